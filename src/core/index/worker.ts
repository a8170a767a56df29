/**
 * Worker-thread entry: chunks (and, for CPU embedders, embeds) files off the caller's thread so the
 * VS Code extension host never freezes. Bundled as dist/worker.js; unbundled it runs from out/.
 */
import * as os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createChunker } from '../parsing/chunker';
import { createLocalEmbedder, type LocalEmbedderSpec } from '../embed/factory';
import { processFile } from './processFile';
import { perThreadPriority, WORKER_NICE, type WorkerReply, type WorkerRequest } from './workerPool';

const data = workerData as { embedder?: LocalEmbedderSpec };
if (perThreadPriority()) {
  try {
    os.setPriority(0, Math.min(19, os.getPriority(0) + WORKER_NICE)); // this thread only (Linux): the caller's thread comes first
  } catch {
    // not permitted here: run at the normal priority
  }
}
const chunker = createChunker();
const embedder = data.embedder ? createLocalEmbedder(data.embedder) : undefined;

parentPort!.on('message', (msg: WorkerRequest) => {
  processFile(msg.req, chunker, embedder, { syncRead: true }).then(
    (res) => {
      const transfer = res.status === 'chunked' ? res.vectors.filter((v): v is Float32Array => !!v).map((v) => v.buffer as ArrayBuffer) : [];
      const reply: WorkerReply = { seq: msg.seq, res };
      parentPort!.postMessage(reply, transfer);
    },
    (e: Error) => {
      const reply: WorkerReply = { seq: msg.seq, error: `${e.message}` };
      parentPort!.postMessage(reply);
    },
  );
});
