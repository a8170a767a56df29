import * as vscode from 'vscode';
import type { WorkspaceIndex } from '../core/index/workspaceIndex';
import { workspaceFromIndex } from '../core/assistant/workspace';
import type { AssistantWorkspace, ModelConfig } from '../core/assistant/types';
import { createRetriever, type RankedHit, type Retriever } from '../core/search/retriever';
import { warmUpRetriever } from '../core/search/warmUp';
import { httpReranker, llmJudgeReranker, type Reranker } from '../core/search/rerankers';
import { readConfig } from './config';
import type { FolderIndex } from './indexing/folderIndex';
import type { IndexManager } from './indexing/manager';
import type { ApiKeyStore } from './secrets';

export interface SearchResult {
  folder: vscode.WorkspaceFolder;
  uri: vscode.Uri;
  hit: RankedHit;
}

export interface SearchOptions {
  k?: number;
  signal?: AbortSignal;
  /** Apply the configured second-stage reranker (HTTP cross-encoder / LLM judge). Default false. */
  secondStage?: boolean;
}

/**
 * Code search over every folder's index with the core's reranked retriever, and what the assistant needs
 * (per-folder AssistantWorkspace, the model configuration). Honours workspace trust: in an untrusted
 * workspace nothing is sent anywhere (no remote reranker, no model).
 */
export class SearchService {
  /** One retriever per opened index (its RepoView follows the store incrementally). */
  private readonly retrievers = new WeakMap<WorkspaceIndex, Retriever>();
  /** Each warm-up that has ended, by folder name (the log says the same). */
  readonly warmUps: { folder: string; queries: number; ms: number }[] = [];

  constructor(
    private readonly indexes: IndexManager,
    private readonly apiKey: ApiKeyStore,
  ) {}

  /**
   * Builds each ready index's search view (symbol table, file-grain index) in the background, in slices that
   * yield to the extension host, so the first search does not pay for it; then runs a few queries made from the
   * index's own chunks (core/search/warmUp.ts), one at a time, so that the first searches do not run before V8 has
   * optimised the ranking code. Dispose the result to stop.
   */
  warmUp(log?: vscode.LogOutputChannel): vscode.Disposable {
    const warmed = new WeakSet<WorkspaceIndex>();
    const stop = new AbortController();
    const warm = () => {
      for (const fi of this.indexes.all()) {
        const idx = fi.index;
        if (!idx || fi.state !== 'ready' || warmed.has(idx)) continue;
        warmed.add(idx);
        const t0 = performance.now();
        const r = this.retriever(idx);
        void r.view
          .syncAsync()
          .then(async (n) => {
            log?.info(`search view of ${fi.folder.name}: ${n} files in ${Math.round(performance.now() - t0)} ms`);
            const w = await warmUpRetriever(r, idx.indexer.store, { signal: stop.signal });
            this.warmUps.push({ folder: fi.folder.name, ...w });
            log?.info(`search warm-up of ${fi.folder.name}: ${w.queries} queries in ${w.ms} ms`);
          })
          .catch((e: unknown) => log?.warn(`search warm-up of ${fi.folder.name}: ${e instanceof Error ? e.message : String(e)}`));
      }
    };
    warm();
    const sub = this.indexes.onDidChange(warm);
    return new vscode.Disposable(() => {
      stop.abort();
      sub.dispose();
    });
  }

  private retriever(idx: WorkspaceIndex): Retriever {
    let r = this.retrievers.get(idx);
    if (!r) this.retrievers.set(idx, (r = createRetriever(idx)));
    return r;
  }

  /** The second-stage reranker the settings ask for, when allowed (trusted workspace). */
  reranker(): Reranker | undefined {
    const s = readConfig();
    if (!vscode.workspace.isTrusted || s.rerankerType === 'builtin') return undefined;
    const apiKey = this.apiKey.cached;
    if (s.rerankerType === 'http') return s.rerankerUrl ? httpReranker({ baseURL: s.rerankerUrl, model: s.rerankerModel || undefined, apiKey }) : undefined;
    return s.chatModel ? llmJudgeReranker({ baseURL: s.chatBaseUrl, apiKey, model: s.chatModel }) : undefined;
  }

  /** Searches every folder; results merged by score, best first. */
  async search(query: string, opts: SearchOptions = {}): Promise<SearchResult[]> {
    const k = opts.k ?? 20;
    const q = query.trim();
    if (!q) return [];
    const rerank = opts.secondStage ? this.reranker() : undefined;
    const perFolder = await Promise.all(
      this.indexes.all().map(async (fi) => {
        const idx = fi.index;
        if (!idx) return [];
        opts.signal?.throwIfAborted();
        const retriever = rerank ? createRetriever(idx, { reranker: rerank, view: this.retriever(idx).view }) : this.retriever(idx);
        const res = await retriever.retrieve(q, { k, signal: opts.signal });
        return res.chunks.map((hit) => ({ folder: fi.folder, uri: fi.host.uri(hit.chunk.path), hit }));
      }),
    );
    opts.signal?.throwIfAborted();
    return perFolder.flat().sort((a, b) => b.hit.score - a.hit.score).slice(0, k);
  }

  /** The assistant's retriever of one index: the reranked retriever, with the configured second stage. */
  assistantRetriever(idx: WorkspaceIndex): Retriever {
    const rerank = this.reranker();
    return rerank ? createRetriever(idx, { reranker: rerank, view: this.retriever(idx).view }) : this.retriever(idx);
  }

  /** What `runTurn`/`answerOffline` work on, for one folder (the one holding `uri`, else the first). */
  assistantWorkspace(uri?: vscode.Uri): AssistantWorkspace | undefined {
    const fi: FolderIndex | undefined = (uri && this.indexes.locate(uri)?.fi) || this.indexes.all()[0];
    const idx = fi?.index;
    return idx ? workspaceFromIndex(idx, this.assistantRetriever(idx)) : undefined;
  }

  /** Every opened folder index. */
  openIndexes(): WorkspaceIndex[] {
    return this.indexes.all().flatMap((f) => (f.index ? [f.index] : []));
  }

  /** The chat model to use, or undefined for offline answers (no model configured, or an untrusted workspace). */
  async modelConfig(): Promise<ModelConfig | undefined> {
    const s = readConfig();
    if (!s.chatModel || !vscode.workspace.isTrusted) return undefined;
    return { baseURL: s.chatBaseUrl, model: s.chatModel, apiKey: await this.apiKey.get(), toolMode: s.chatToolMode === 'prompt' ? 'prompt' : 'native' };
  }
}
