export * from './embedder';
export * from './builtin';
export * from './openai';
export * from './cache';
export * from './factory';
