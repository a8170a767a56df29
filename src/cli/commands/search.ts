import type { Command } from 'commander';
import { createRetriever } from '../../core/search/retriever';
import { httpReranker, llmJudgeReranker, type Reranker } from '../../core/search/rerankers';
import { contextPack, renderPack } from '../../core/search/pack';
import { addIndexOptions, openForCli, type IndexCliOptions } from '../indexOptions';
import { parseIntOption, printJson, printLine } from '../output';
import { usage } from '../errors';

interface SearchCliOptions extends IndexCliOptions {
  workspace: string;
  k: number;
  json?: boolean;
  files?: boolean;
  pack?: number;
  rerankUrl?: string;
  rerankModel?: string;
  judgeModel?: string;
  explain?: boolean;
}

function reranker(o: SearchCliOptions): Reranker | undefined {
  const apiKey = process.env.PINPOINT_API_KEY ?? process.env.OPENAI_API_KEY;
  if (o.rerankUrl) return httpReranker({ baseURL: o.rerankUrl, model: o.rerankModel, apiKey });
  if (o.judgeModel) {
    const baseURL = process.env.PINPOINT_CHAT_BASE_URL ?? process.env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
    return llmJudgeReranker({ baseURL, apiKey, model: o.judgeModel });
  }
  return undefined;
}

export function register(program: Command): void {
  addIndexOptions(
    program
      .command('search')
      .description('search the index of a workspace (reranked, with the reasons for each result)')
      .argument('<query>', 'words, a symbol name, a stack trace or an issue text')
      .requiredOption('--workspace <dir>', 'workspace folder')
      .option('-k <n>', 'number of results', parseIntOption('-k', 1), 10)
      .option('--files', 'rank files instead of chunks')
      .option('--pack <tokens>', 'print a context pack of the results within this token budget', parseIntOption('--pack', 1))
      .option('--rerank-url <url>', 'second-stage cross-encoder: an HTTP /rerank endpoint (Cohere/Jina/TEI/vLLM/llama.cpp shape)')
      .option('--rerank-model <id>', 'model id sent to the /rerank endpoint')
      .option('--judge-model <id>', 'second-stage: the chat model as a relevance judge (env PINPOINT_CHAT_BASE_URL)')
      .option('--explain', 'include every feature contribution in --json output')
      .option('--json', 'print [{path, startLine, endLine, kind, qualifiedName, score, reasons}] as JSON (--files: [{path, score, reasons}])'),
  ).action(async (query: string, o: SearchCliOptions) => {
    if (!query.trim()) throw usage('the query is empty');
    const idx = await openForCli(o.workspace, o, { write: false });
    try {
      if (!idx.readOnly) await idx.indexer.indexAll();
      const retriever = createRetriever(idx, { reranker: reranker(o), explain: o.explain });
      const res = await retriever.retrieve(query, { k: o.k, fileK: o.k });
      if (res.rerankError) process.stderr.write(`pinpoint: reranker failed (${res.rerankError}); showing the built-in ranking\n`);
      if (o.files) {
        const rows = res.files.map((f) => ({
          path: f.path, score: Number(f.score.toFixed(4)), reasons: f.reasons,
          ...(o.explain ? { contributions: f.contributions } : {}),
        }));
        if (o.json) return printJson(rows);
        for (const r of rows) printLine(`${r.path}  (${r.score}; ${r.reasons.join(', ') || 'fused rank'})`);
        if (!rows.length) printLine('no results');
        return;
      }
      if (o.pack) {
        const pack = contextPack(res.chunks, o.pack);
        if (o.json) return printJson(pack);
        return printLine(renderPack(pack));
      }
      const rows = res.chunks.map((h) => ({
        path: h.chunk.path,
        startLine: h.chunk.startLine,
        endLine: h.chunk.endLine,
        kind: h.chunk.kind,
        qualifiedName: h.chunk.qualifiedName,
        score: Number(h.score.toFixed(4)),
        reasons: h.reasons,
        ...(o.explain ? { contributions: h.contributions } : {}),
      }));
      if (o.json) return printJson(rows);
      for (const r of rows) printLine(`${r.path}:${r.startLine}-${r.endLine}  ${r.kind} ${r.qualifiedName}  (${r.score}; ${r.reasons.slice(0, 2).join(', ')})`);
      if (!rows.length) printLine('no results');
    } finally {
      await idx.close();
    }
  });
}
