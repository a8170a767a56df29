import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { createRetriever, stubsAfterImplementations } from '../../../src/core/search/retriever';
import { stubImplementations } from '../../../src/core/search/repoView';
import { indexedWorkspace, makeWorkspace } from '../../helpers/workspace';

// A module and its type stub, as matplotlib ships them: the stub repeats the names and signatures, without bodies.
const IMPL = `"""Collections of paths drawn together."""


class PathCollection:
    def __init__(self, paths, sizes=None):
        self._paths = list(paths)
        self._sizes = sizes

    def set_paths(self, paths):
        """Replace the paths of the collection, keeping the sizes and transforms."""
        self._paths = [p for p in paths]
        self.stale = True

    def get_paths(self):
        return self._paths

    def draw(self, renderer):
        for path in self._paths:
            renderer.draw_path(path, self._sizes)
        self.stale = False

    def contains(self, event):
        hits = [i for i, p in enumerate(self._paths) if p.contains_point((event.x, event.y))]
        return bool(hits), {"ind": hits}
`;
const STUB = `class PathCollection:
    def __init__(self, paths, sizes=...) -> None: ...
    def set_paths(self, paths) -> None: ...
    def get_paths(self) -> list: ...
    def draw(self, renderer) -> None: ...
    def contains(self, event) -> tuple[bool, dict]: ...
`;

let idx: WorkspaceIndex;
before(async () => {
  const root = makeWorkspace({
    'lib/collections.py': IMPL,
    'lib/collections.pyi': STUB,
    'lib/_native.pyi': 'def set_paths_fast(paths) -> None: ...\n', // a stub of compiled code: nothing beside it
    'lib/colors.py': 'def to_rgba(c):\n    """Convert a color to RGBA."""\n    return (0, 0, 0, 1)\n',
  });
  idx = await indexedWorkspace(root, 'stub-idx');
});
after(async () => {
  await idx.close();
});

test('stubImplementations: the files a .pyi / .d.ts declares, beside it; none for other files', () => {
  assert.deepEqual(stubImplementations('lib/matplotlib/collections.pyi'), ['lib/matplotlib/collections.py']);
  assert.deepEqual(stubImplementations('index.d.ts'), ['index.ts', 'index.js', 'index.tsx', 'index.jsx']);
  assert.deepEqual(stubImplementations('lib/x.d.mts'), ['lib/x.mts', 'lib/x.mjs']);
  assert.deepEqual(stubImplementations('index.d.cts'), ['index.cts', 'index.cjs']);
  for (const p of ['lib/collections.py', 'src/d.ts', 'src/types.ts', 'a.pyx']) assert.deepEqual(stubImplementations(p), []);
});

test('stubsAfterImplementations: a stub ranked above its implementation follows it; nothing else moves but by it', () => {
  const order = (xs: string[], n = 10) => stubsAfterImplementations(xs, n, (p) => p, (p) => stubImplementations(p));
  assert.deepEqual(order(['a.pyi', 'b.py', 'c.py', 'a.py', 'd.py']), ['b.py', 'c.py', 'a.py', 'a.pyi', 'd.py']);
  assert.deepEqual(order(['a.py', 'b.py', 'a.pyi']), ['a.py', 'b.py', 'a.pyi'], 'already after its implementation');
  assert.deepEqual(order(['n.pyi', 'b.py']), ['n.pyi', 'b.py'], 'no implementation ranked');
  assert.deepEqual(order(['a.pyi', 'b.py', 'c.py', 'a.py'], 3), ['a.pyi', 'b.py', 'c.py', 'a.py'], 'implementation past the first n');
  assert.deepEqual(order(['x.d.ts', 'y.ts', 'x.js']), ['y.ts', 'x.js', 'x.d.ts']);
  // Two stubs (overloads) of one implementation both follow it, in their order.
  const chunks = ['s:f1', 's:f2', 'o:g', 'i:f'].map((k) => ({ path: k[0] === 's' ? 'm.pyi' : k[0] === 'i' ? 'm.py' : 'o.py', name: k.slice(2, 3), n: k }));
  const key = (c: { path: string; name: string }) => `${c.path}#${c.name}`;
  const out = stubsAfterImplementations(chunks, 10, key, (c) => stubImplementations(c.path).map((p) => `${p}#${c.name}`));
  assert.deepEqual(out.map((c) => c.n), ['o:g', 'i:f', 's:f1', 's:f2']);
});

test('a type stub that scores above its module is ranked after it, at file and chunk grain', async () => {
  const res = await createRetriever(idx).retrieve('PathCollection set_paths get_paths', { k: 10, fileK: 5 });
  const score = (p: string) => res.candidates.files.find((f) => f.path === p);
  assert.ok(score('lib/collections.pyi') && score('lib/collections.py'), 'both files are candidates');
  const paths = res.files.map((f) => f.path);
  const impl = paths.indexOf('lib/collections.py');
  assert.ok(impl >= 0 && impl < paths.indexOf('lib/collections.pyi'), paths.join(', '));
  const at = (path: string, q: string) => res.chunks.findIndex((h) => h.chunk.path === path && h.chunk.qualifiedName === q);
  const stubChunk = at('lib/collections.pyi', 'PathCollection.set_paths');
  const implChunk = at('lib/collections.py', 'PathCollection.set_paths');
  assert.ok(implChunk >= 0 && (stubChunk === -1 || implChunk < stubChunk), `implementation at ${implChunk}, stub at ${stubChunk}`);
});
