/**
 * Optional second-stage rerankers behind one interface (the built-in feature model is the default):
 *  - `httpReranker`: a cross-encoder behind an HTTP `/rerank` endpoint in the request shape Cohere, Jina, TEI,
 *    vLLM and llama.cpp share: POST {model, query, documents, top_n} → {results: [{index, relevance_score}]}
 *    (TEI's bare array `[{index, score}]` is accepted too);
 *  - `llmJudgeReranker`: the chat model asked for a 0–10 relevance score per candidate (openai SDK).
 * A reranker returns one relevance score per document, in order; a failure rejects (the retriever then keeps
 * the feature model's order and says so).
 */
import OpenAI from 'openai';

export interface Reranker {
  readonly id: string;
  /** Relevance of each document to the query (higher is better), in input order. */
  rerank(query: string, documents: string[], signal?: AbortSignal): Promise<number[]>;
}

export interface HttpRerankerOptions {
  /** Base URL; `/rerank` is appended unless the URL already ends with it (e.g. `http://host:8080/v1`). */
  baseURL: string;
  model?: string;
  apiKey?: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

export class RerankError extends Error {}

export function httpReranker(opts: HttpRerankerOptions): Reranker {
  const url = /\/rerank\/?$/.test(opts.baseURL) ? opts.baseURL : opts.baseURL.replace(/\/+$/, '') + '/rerank';
  const doFetch = opts.fetch ?? globalThis.fetch;
  return {
    id: `http:${opts.model ?? 'rerank'}`,
    async rerank(query, documents, signal) {
      if (!documents.length) return [];
      const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
        body: JSON.stringify({ model: opts.model, query, documents, top_n: documents.length }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const body = (await res.json().catch(() => undefined)) as unknown;
      if (!res.ok) throw new RerankError(`rerank: HTTP ${res.status} ${JSON.stringify(body ?? '').slice(0, 200)}`);
      const results = Array.isArray(body) ? body : (body as { results?: unknown })?.results;
      if (!Array.isArray(results)) throw new RerankError('rerank: the reply has no results array');
      const scores = new Array<number>(documents.length).fill(-Infinity);
      for (const r of results as { index?: unknown; relevance_score?: unknown; score?: unknown }[]) {
        const i = r.index;
        const s = r.relevance_score ?? r.score;
        if (typeof i !== 'number' || i < 0 || i >= documents.length || typeof s !== 'number') throw new RerankError('rerank: malformed result');
        scores[i] = s;
      }
      return scores;
    },
  };
}

export interface LlmJudgeOptions {
  client?: OpenAI;
  baseURL?: string;
  apiKey?: string;
  model: string;
  /** Characters of each document shown to the judge. Default 1500. */
  maxChars?: number;
}

/** Asks the chat model to score each candidate 0–10 for how likely it must be read or changed for the query. */
export function llmJudgeReranker(opts: LlmJudgeOptions): Reranker {
  const client = opts.client ?? new OpenAI({ baseURL: opts.baseURL, apiKey: opts.apiKey ?? 'unused', maxRetries: 1 });
  const maxChars = opts.maxChars ?? 1500;
  return {
    id: `judge:${opts.model}`,
    async rerank(query, documents, signal) {
      if (!documents.length) return [];
      const listing = documents.map((d, i) => `[${i}]\n${d.length > maxChars ? d.slice(0, maxChars) + '\n…' : d}`).join('\n\n');
      const completion = await client.chat.completions.create(
        {
          model: opts.model,
          temperature: 0,
          messages: [
            {
              role: 'system',
              content:
                'You rank code search results. For each numbered candidate, give a relevance score from 0 (irrelevant) to 10 ' +
                '(must be read or changed to answer the query). Reply with JSON only: {"scores":[{"index":0,"score":7},…]}.',
            },
            { role: 'user', content: `Query:\n${query.slice(0, 6000)}\n\nCandidates:\n${listing}` },
          ],
        },
        { signal },
      );
      return parseJudgeScores(completion.choices[0]?.message?.content ?? '', documents.length);
    },
  };
}

/** Parses the judge's reply: `{"scores":[{index,score}]}`, a bare array of those, or a bare array of numbers. */
export function parseJudgeScores(text: string, n: number): number[] {
  const m = text.match(/[[{][\s\S]*[\]}]/);
  if (!m) throw new RerankError('judge: no JSON in the reply');
  let parsed: unknown;
  try {
    parsed = JSON.parse(m[0]);
  } catch {
    throw new RerankError('judge: the reply is not valid JSON');
  }
  const arr = Array.isArray(parsed) ? parsed : (parsed as { scores?: unknown }).scores;
  if (!Array.isArray(arr)) throw new RerankError('judge: no scores');
  const out = new Array<number>(n).fill(0);
  arr.forEach((x: unknown, i) => {
    if (typeof x === 'number') {
      if (i < n) out[i] = x;
    } else if (x && typeof x === 'object') {
      const { index, score } = x as { index?: unknown; score?: unknown };
      if (typeof index === 'number' && index >= 0 && index < n && typeof score === 'number') out[index] = score;
    }
  });
  return out;
}
