import { test } from 'node:test';
import assert from 'node:assert/strict';
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
