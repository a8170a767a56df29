/** Symbol-level chunking (pure TypeScript; never imports vscode). */
export { createChunker, type Chunker, type ChunkerOptions } from './chunker';
export { chunkId } from './ids';
export { loadStats } from './grammars';
export { chunkerFingerprint, CHUNKER_VERSION } from './fingerprint';
