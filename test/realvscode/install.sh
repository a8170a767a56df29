#!/usr/bin/env bash
# Installs the real VS Code test bench (code-server + Debian's Chromium + playwright-core) used by
# test/realvscode/run.mjs. Idempotent: a second run with everything present returns in well under a second.
# Needs root (apt-get) and only the npm registry and Debian's packages. See docs/real-vscode.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="$here/.tools"
# Bump any of these and the next run reinstalls the tool folder.
CODE_SERVER_VERSION=4.100.3     # the newest code-server that runs on Node 20 (VS Code 1.100.3)
PLAYWRIGHT_VERSION=1.65.1
MOCHA_VERSION=10.8.2
stamp="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION mocha@$MOCHA_VERSION node@$(node -p 'process.versions.modules')"
marker="$tools/.installed"

start=$(date +%s)
log() { echo "[realvscode install] $*"; }

# 1. System packages, only the missing ones.
need=()
for p in libkrb5-dev ripgrep chromium; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if ((${#need[@]})); then
  log "apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
command -v chromium >/dev/null || { log "chromium missing after apt-get"; exit 1; }
command -v rg >/dev/null || { log "rg missing after apt-get"; exit 1; }

# 2. The tool folder, unless the marker says this exact set is already there.
if [[ -f "$marker" && "$(cat "$marker")" == "$stamp" && -x "$tools/node_modules/.bin/code-server" ]]; then
  log "already installed ($stamp) in $(( $(date +%s) - start ))s"
  exit 0
fi

# @vscode/ripgrep (inside code-server) downloads rg from GitHub in its postinstall; it first looks in its
# cache directory, so hand it Debian's rg there under the name it expects.
rgtmp=$(mktemp -d)
cp "$(command -v rg)" "$rgtmp/rg"
cache="$(node -p "require('os').tmpdir()")/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$rgtmp" rg
rm -rf "$rgtmp"

rm -rf "$tools/node_modules" "$marker"
mkdir -p "$tools"
# Its own package.json keeps npm from walking up to the repo's package.json (and the repo's .npmrc,
# whose ignore-scripts=true would skip code-server's native builds).
cat > "$tools/package.json" <<JSON
{ "name": "pinpoint-realvscode-tools", "private": true, "description": "git-ignored; made by test/realvscode/install.sh" }
JSON
log "npm install code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION mocha@$MOCHA_VERSION (builds native modules; a few minutes)"
# One npm command: a later `npm install --no-save` in the same folder would prune the earlier ones.
# node-gyp must build against the local Node headers (it cannot download them here): ~/.npmrc sets nodedir on
# these machines, so no --userconfig /dev/null; set it here too in case a machine's ~/.npmrc lacks it.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node_version.h ]] && ! npm config get nodedir 2>/dev/null | grep -q /; then
  export npm_config_nodedir=/usr
fi
( cd "$tools" && \
  npm_config_unsafe_perm=true npm_config_yes=true npm_config_ignore_scripts=false \
  npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false \
  npm install --no-save --no-package-lock --loglevel=error \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" "mocha@$MOCHA_VERSION" )

# Sanity: the pieces the driver uses.
[[ -x "$tools/node_modules/.bin/code-server" ]] || { log "code-server binary missing"; exit 1; }
rgbin=$(find "$tools/node_modules/code-server" -path '*@vscode/ripgrep/bin/rg' -print -quit)
[[ -n "$rgbin" ]] || { log "code-server's @vscode/ripgrep has no rg (search would fail)"; exit 1; }
( cd "$tools" && node -e "require('playwright-core'); require('mocha')" )

echo "$stamp" > "$marker"
log "installed ($stamp) in $(( $(date +%s) - start ))s"
