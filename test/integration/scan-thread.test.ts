// The vector scan's second thread inside a real VS Code's extension host (Node under code-server, Electron's Node
// on the desktop): the scan needs a shared WebAssembly.Memory, a worker thread and Atomics.wait on the host's thread.
// The fixture workspace is too small for the index to start the thread (16,384 rows), so a slab is made here.
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { VectorSlab } from '../../src/core/index/vectorSlab';
import { suite, test } from './mocha';

function vector(seed: number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let x = seed * 2654435761;
  for (let i = 0; i < dim; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    v[i] = x / 2147483648 - 0.5;
  }
  return v;
}

suite('vector scan thread', () => {
  test('scores blocks in the extension host, with the results of one thread', async function () {
    this.timeout(60_000);
    const dim = 64;
    const threaded = new VectorSlab(dim, { parallelMinRows: 0 });
    const alone = new VectorSlab(dim, { parallel: false });
    try {
      for (let i = 0; i < 20_000; i++) {
        const v = vector(i + 1, dim);
        threaded.add(`c${i}`, v);
        alone.add(`c${i}`, v);
      }
      assert.ok(threaded.usesSimd, 'Wasm SIMD in the extension host');
      for (let i = 0; i < 100 && threaded.scanThread.blocks === 0; i++) {
        const q = vector(100_000 + i, dim);
        const pending = threaded.beginSearchWithScores(q, 20);
        await sleep(20);
        assert.deepEqual(pending.collect().hits, alone.searchWithScores(q, 20).hits, `query ${i}`);
      }
      assert.ok(threaded.scanThread.running, 'the scan thread started');
      assert.ok(threaded.scanThread.blocks > 0, 'and scored blocks of the searches');
      // Collected at once: the host's thread claims blocks too and waits for the scan thread's last.
      for (let i = 0; i < 20; i++) {
        const q = vector(200_000 + i, dim);
        assert.deepEqual(threaded.searchWithScores(q, 20).hits, alone.searchWithScores(q, 20).hits, `at once ${i}`);
      }
    } finally {
      threaded.dispose();
    }
  });
});
