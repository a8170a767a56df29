/**
 * VS Code's `files.exclude` / `search.exclude` globs as the gitignore-syntax patterns the core's
 * WorkspaceFilter takes (`excludeGlobs`). No `vscode` import: unit-testable in plain Node.
 *
 * - only entries set to `true` count (`{ when: "$(basename).ts" }` sibling conditions cannot be expressed);
 * - `{a,b}` alternatives are expanded (gitignore has no braces);
 * - a glob not starting with `**` is relative to the folder root in VS Code, so it is anchored with `/`.
 */
export function excludeGlobsFrom(...maps: (Record<string, unknown> | undefined)[]): string[] {
  const out = new Set<string>();
  for (const map of maps) {
    for (const [glob, on] of Object.entries(map ?? {})) {
      if (on !== true) continue;
      for (const g of expandBraces(glob.trim())) {
        const p = toGitignore(g);
        if (p) out.add(p);
      }
    }
  }
  return [...out];
}

function toGitignore(glob: string): string | undefined {
  let g = glob.replace(/\\/g, '/').replace(/^\.\//, '');
  if (!g || g === '**' || g === '**/*') return undefined; // would exclude everything: ignore rather than obey
  g = g.replace(/\/\*\*$/, '/'); // `dir/**` → `dir/`
  if (g.startsWith('**/')) return g;
  return g.startsWith('/') ? g : '/' + g;
}

/** `a/{b,c}/*.{js,ts}` → four globs. Nested braces are expanded from the innermost; at most 64 results. */
export function expandBraces(glob: string): string[] {
  const m = /\{([^{}]*)\}/.exec(glob);
  if (!m) return [glob];
  const head = glob.slice(0, m.index);
  const tail = glob.slice(m.index + m[0].length);
  const out: string[] = [];
  for (const alt of m[1].split(',')) {
    for (const g of expandBraces(head + alt + tail)) {
      if (out.length >= 64) return out;
      out.push(g);
    }
  }
  return out;
}
