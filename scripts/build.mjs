// Bundles the extension and the CLI with esbuild and copies the grammar assets next to them:
//   dist/extension.js, dist/cli.js, dist/web-tree-sitter.wasm, dist/grammars/<lang>/{*.scm, <lang>.wasm}, dist/models/*
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, existsSync, readdirSync, renameSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const finalDist = join(root, 'dist');
const watch = process.argv.includes('--watch');
// Build into a fresh sibling directory and swap it in at the end, so a concurrent reader (a test, a second
// build) never sees a half-written dist/. --watch builds in place.
const dist = watch ? finalDist : mkdtempSync(join(root, '.dist-'));
if (watch) rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'grammars'), { recursive: true });

// Grammar assets: queries from grammars/<lang>/, wasm from the grammar package named in languages.json.
const registry = JSON.parse(readFileSync(join(root, 'grammars', 'languages.json'), 'utf8'));
for (const lang of registry.languages) {
  if (!lang.wasm) continue; // line-window languages need no assets
  const out = join(dist, 'grammars', lang.id);
  mkdirSync(out, { recursive: true });
  const qdir = join(root, 'grammars', lang.queryDir ?? lang.id);
  if (existsSync(qdir)) for (const f of readdirSync(qdir)) cpSync(join(qdir, f), join(out, f));
  {
    const pkgDir = dirname(require.resolve(`${lang.wasm.package}/package.json`));
    cpSync(join(pkgDir, lang.wasm.file), join(out, `${lang.id}.wasm`));
  }
}
cpSync(join(root, 'grammars', 'languages.json'), join(dist, 'grammars', 'languages.json'));
cpSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(dist, 'web-tree-sitter.wasm'));
// The builtin embedder's learned model (src/core/embed/learned.ts reads <bundle dir>/models/ when bundled).
cpSync(join(root, 'models'), join(dist, 'models'), { recursive: true });
// vectra's ProtobufCodec reads its schema from <bundle dir>/schemas/index.proto at run time.
mkdirSync(join(dist, 'schemas'), { recursive: true });
// (vectra's exports map hides package.json; its main module lives in lib/.)
cpSync(join(dirname(require.resolve('vectra')), 'codecs/schemas/index.proto'), join(dist, 'schemas', 'index.proto'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  external: ['vscode', '@huggingface/transformers'],
  define: { 'process.env.PINPOINT_BUNDLED': '"1"' },
  plugins: [
    {
      // web-tree-sitter's ESM build needs import.meta.url, which a CJS bundle does not have: use its CJS build.
      // Its .wasm is copied next to the bundle; the unbundled code path that require.resolve()s it stays external.
      name: 'web-tree-sitter-cjs',
      setup(b) {
        b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: require.resolve('web-tree-sitter') }));
        b.onResolve({ filter: /^web-tree-sitter\/web-tree-sitter\.wasm$/ }, (a) => ({ path: a.path, external: true }));
        // Only the vectra classes Pinpoint composes (see scripts/vectra-lite.cjs), without wink's NLP model.
        b.onResolve({ filter: /^vectra$/ }, () => ({ path: join(root, 'scripts', 'vectra-lite.cjs') }));
        b.onResolve({ filter: /^wink-(nlp|eng-lite-web-model|bm25-text-search)$/ }, () => ({ path: join(root, 'scripts', 'wink-stub.cjs') }));
      },
    },
  ],
};
const entries = [
  { entryPoints: [join(root, 'src/extension/extension.ts')], outfile: join(dist, 'extension.js') },
  { entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(dist, 'cli.js'), banner: { js: '#!/usr/bin/env node' } },
  // The chat webview (browser; its CSS is served from media/).
  { entryPoints: [join(root, 'src/webview/main.ts')], outfile: join(dist, 'webview.js'), platform: 'browser', format: 'iife', target: 'es2022', minify: true, external: [], define: {}, plugins: [] },
];
// Worker threads: the indexing worker and the vector scan's second thread.
for (const [extra, out] of [['src/core/index/worker.ts', 'worker.js'], ['src/core/index/scanWorker.ts', 'scanWorker.js']]) {
  if (existsSync(join(root, extra))) entries.push({ entryPoints: [join(root, extra)], outfile: join(dist, out) });
}
if (watch) {
  for (const e of entries) await (await esbuild.context({ ...common, ...e })).watch();
} else {
  try {
    await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
  } catch (e) {
    rmSync(dist, { recursive: true, force: true });
    throw e;
  }
  const old = `${finalDist}.old-${process.pid}`;
  if (existsSync(finalDist)) renameSync(finalDist, old);
  renameSync(dist, finalDist);
  rmSync(old, { recursive: true, force: true });
}
