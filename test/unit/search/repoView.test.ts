import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openWorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { RepoView } from '../../../src/core/search/repoView';
import { makeWorkspace, tempDir } from '../../helpers/workspace';

test('RepoView.syncAsync yields to the event loop between slices and ends equal to a synchronous sync', async () => {
  // 300 small files: enough work for many 0-ms slices.
  const files: Record<string, string> = {};
  for (let i = 0; i < 300; i++) files[`pkg/mod${i}.py`] = `def handler_${i}(request):\n    """Handle request ${i}."""\n    return render_${i}(request)\n`;
  const idx = await openWorkspaceIndex({ root: makeWorkspace(files), indexDir: tempDir('view-idx'), owner: 'test', workers: 0 });
  try {
    await idx.indexer.indexAll();
    const store = idx.indexer.store;
    const asyncView = new RepoView(store);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const [a, b] = await Promise.all([asyncView.syncAsync(0), asyncView.syncAsync(0)]); // concurrent calls share one run
    clearInterval(timer);
    assert.equal(a, 300);
    assert.equal(b, 300);
    assert.ok(ticks > 0, 'timers ran while the view was being built');
    const syncView = new RepoView(store);
    assert.equal(syncView.sync(), 300);
    assert.deepEqual([...asyncView.files.keys()].sort(), [...syncView.files.keys()].sort());
    assert.deepEqual(asyncView.definitions('handler_7'), syncView.definitions('handler_7'));
    const q = [{ term: 'render_42', weight: 1 }];
    assert.deepEqual(asyncView.fileBm25!.search(q, 3), syncView.fileBm25!.search(q, 3));
    assert.equal(await asyncView.syncAsync(), 0, 'nothing changed: nothing to do');
  } finally {
    await idx.close();
  }
});

test('RepoView: the first build sums the lexical index\'s postings per file, and gives the file BM25 a per-file build gives', async () => {
  const files: Record<string, string> = {
    'pkg/render.py': `def render(template):\n    """Render a template."""\n    return template.render()\n`,
    // One chunk repeats a term past the postings' tf cap (255): both builds cap it per chunk.
    'pkg/spam.py': `def spam():\n    return [\n${Array(10).fill(`        ${Array(30).fill('spam_token').join(', ')},`).join('\n')}\n    ]\n\n\ndef eggs():\n    return spam_token\n`,
    'docs/render_guide.md': '# Render guide\n\nHow to render a template with pkg.render.\n',
    'pkg/only_path_words/zebra_quux.py': 'x = 1\n',
  };
  for (let i = 0; i < 40; i++) files[`pkg/mod${i}.py`] = `def handler_${i}(request):\n    return render(request, "t${i % 7}.html")\n`;
  const root = makeWorkspace(files);
  const idx = await openWorkspaceIndex({ root, indexDir: tempDir('view-bulk'), owner: 'test', workers: 0 });
  try {
    await idx.indexer.indexAll();
    // A removed file leaves dead documents in the lexical index's postings until it compacts.
    await idx.indexer.removeFiles(['pkg/mod3.py']);
    const { store, lexical } = idx.indexer;
    let summed = 0;
    const real = lexical.textPostings.bind(lexical);
    lexical.textPostings = () => (summed++, real());
    const bulk = new RepoView(store, { lexical });
    const perFile = new RepoView(store);
    assert.equal(bulk.sync(), 43);
    assert.equal(perFile.sync(), 43);
    assert.equal(summed, 1, 'the first build took the postings path');
    const same = (label: string) => {
      const terms = [...new Set([...lexical.textPostings().terms, 'zebra', 'quux', 'only', 'guide', 'spam_token'])];
      summed--;
      for (const t of terms) assert.deepEqual(bulk.fileBm25!.search([{ term: t, weight: 1 }], 100), perFile.fileBm25!.search([{ term: t, weight: 1 }], 100), `${label}: "${t}"`);
      const q = ['render', 'template', 'handler_7', 'spam_token', 'request'].map((term) => ({ term, weight: 1 }));
      assert.deepEqual(bulk.fileBm25!.search(q, 100), perFile.fileBm25!.search(q, 100), `${label}: a multi-term query`);
      assert.ok(bulk.fileBm25!.search([{ term: 'spam_token', weight: 1 }], 1)[0].key === 'pkg/spam.py');
    };
    same('first build');
    // Later syncs are per file in both views.
    writeFileSync(path.join(root, 'pkg/render.py'), `def render(template, context):\n    return template.render(context)\n`);
    rmSync(path.join(root, 'pkg/mod5.py'));
    await idx.indexer.updateFiles(['pkg/render.py', 'pkg/mod5.py']);
    assert.equal(bulk.sync(), perFile.sync());
    assert.equal(summed, 1);
    same('after an edit and a removal');

    // Out of step (a chunk the lexical index lacks): the first build tokenizes per file instead, and says nothing.
    const anyChunk = store.getFile('pkg/mod9.py')!.chunkIds[0];
    lexical.remove([anyChunk]);
    const fallback = new RepoView(store, { lexical });
    fallback.sync();
    const q = [{ term: 'handler_9', weight: 1 }];
    assert.deepEqual(fallback.fileBm25!.search(q, 5), perFile.fileBm25!.search(q, 5), 'the per-file build, from the store');
  } finally {
    await idx.close();
  }
});

test('RepoView.resolvePath: a compiled .js path that is not indexed resolves to its TypeScript source', async () => {
  const files: Record<string, string> = {
    'src/core/a.ts': 'export const a = 1;\n',
    'src/ui/view.tsx': 'export const v = 1;\n',
    'src/esm/m.mts': 'export const m = 1;\n',
    'lib/plain.js': 'exports.p = 1;\n',
    'src/plain.ts': 'export const p = 1;\n',
    'pkg/tool.py': 'x = 1\n',
  };
  const idx = await openWorkspaceIndex({ root: makeWorkspace(files), indexDir: tempDir('view-js'), owner: 'test', workers: 0 });
  try {
    await idx.indexer.indexAll();
    const view = new RepoView(idx.indexer.store);
    view.sync();
    assert.deepEqual(view.resolvePath('/home/u/app/out/src/core/a.js'), ['src/core/a.ts']);
    assert.deepEqual(view.resolvePath('dist/ui/view.jsx'), ['src/ui/view.tsx']);
    assert.deepEqual(view.resolvePath('build/esm/m.mjs'), ['src/esm/m.mts']);
    // An indexed .js is the file named, even with a TypeScript namesake.
    assert.deepEqual(view.resolvePath('lib/plain.js'), ['lib/plain.js']);
    assert.deepEqual(view.resolvePath('out/core/missing.js'), []);
    assert.deepEqual(view.resolvePath('pkg/tool.pyc'), []);
  } finally {
    await idx.close();
  }
});
