/**
 * Building embedders from settings. `LocalEmbedderSpec` is plain data (it crosses into worker
 * threads): CPU embedders are re-created there from it. Remote embedders stay on the caller's thread.
 */
import { BuiltinEmbedder } from './builtin';
import type { Embedder } from './embedder';
import type { OpenAIEmbedderOptions } from './openai';

/** An embedder that runs in-process on the CPU (serialisable). */
export interface LocalEmbedderSpec {
  id: 'builtin';
  dimension?: number;
}

export type EmbedderConfig = LocalEmbedderSpec | ({ id: 'openai' } & OpenAIEmbedderOptions);

export function createLocalEmbedder(spec: LocalEmbedderSpec): Embedder {
  switch (spec.id) {
    case 'builtin':
      return new BuiltinEmbedder({ dimension: spec.dimension });
    default:
      throw new Error(`unknown local embedder "${(spec as { id: string }).id}"`);
  }
}

/** The spec to re-create `e` in a worker thread, or undefined when it must stay on this thread (remote). */
export function localSpecOf(e: Embedder): LocalEmbedderSpec | undefined {
  return e instanceof BuiltinEmbedder ? { id: 'builtin', dimension: e.dimension } : undefined;
}

/** Creates the configured embedder; an openai embedder without a dimension probes it with one request. */
export async function createEmbedder(config: EmbedderConfig, signal?: AbortSignal): Promise<Embedder> {
  if (config.id === 'openai') {
    const { id: _id, ...opts } = config;
    // Loaded here: the index workers import this module, and need only the builtin embedder (the openai SDK takes
    // ~0.2 s to load, in every worker's start-up).
    const { createOpenAIEmbedder } = await import('./openai.js');
    return createOpenAIEmbedder(opts, signal);
  }
  return createLocalEmbedder(config);
}
