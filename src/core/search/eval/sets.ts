/**
 * Eval sets: loading (format detected by fields), gold matching at file and function grain, and the doc-comment
 * blanking the docstring→function set needs (the gold function's doc comment replaced by empty lines).
 *
 *  - SWE-bench style: {instance_id, repo, base_commit, problem_statement, gold_files, gold_spans{path: [qualified names]}}
 *  - docstring style: {repo, commit, query, gold_path, gold_symbol, start_line, end_line}
 *  - questions style: {repo, commit, query, gold: ["path#QualifiedName", …], set?: "questions-…"}: a developer's
 *    "where / how" question and the definitions that answer it, asked of the unmodified tree (bench/questions/).
 */
import { readFileSync } from 'node:fs';
import type { Chunk } from '../../types';
import { firstNonEmptyLine } from '../query';

export interface GoldSpan {
  path: string;
  /** Qualified name (`UnitBase.__eq__`); matched against a chunk's qualifiedName (suffix at a `.`). */
  name: string;
  /** Line range when known (docstring set). */
  startLine?: number;
  endLine?: number;
}

export interface EvalItem {
  id: string;
  /** `swebench-titles`: SWE-bench rows queried by their issue's first line (see `issueTitles`). */
  /** `questions…`: where/how question sets; a row may name its set (`questions-natural`) to be reported apart. */
  set: 'swebench' | 'swebench-titles' | 'docstring' | `questions${string}`;
  /** `owner/name`. */
  repo: string;
  commit: string;
  query: string;
  goldFiles: string[];
  goldSpans: GoldSpan[];
}

interface SweRow {
  instance_id: string;
  repo: string;
  base_commit: string;
  problem_statement: string;
  gold_files: string[];
  gold_spans?: Record<string, string[]>;
}
interface DocRow {
  repo: string;
  commit: string;
  query: string;
  gold_path: string;
  gold_symbol: string;
  start_line: number;
  end_line: number;
}
interface QuestionRow {
  set?: string;
  repo: string;
  commit: string;
  query: string;
  gold: string[];
}

export function parseEvalSet(text: string): EvalItem[] {
  const rows = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  return rows.map((r, i) => {
    if ('problem_statement' in r && 'base_commit' in r) {
      const s = r as unknown as SweRow;
      const spans = Object.entries(s.gold_spans ?? {}).flatMap(([path, names]) => names.map((name) => ({ path, name })));
      return { id: s.instance_id ?? `swe-${i}`, set: 'swebench', repo: s.repo, commit: s.base_commit, query: s.problem_statement, goldFiles: s.gold_files, goldSpans: spans };
    }
    if ('gold_path' in r && 'query' in r) {
      const d = r as unknown as DocRow;
      return {
        id: `${d.repo}#${d.gold_symbol}@${d.start_line}`, set: 'docstring', repo: d.repo, commit: d.commit, query: d.query, goldFiles: [d.gold_path],
        goldSpans: [{ path: d.gold_path, name: d.gold_symbol, startLine: d.start_line, endLine: d.end_line }],
      };
    }
    if ('gold' in r && 'query' in r && 'commit' in r) {
      const q = r as unknown as QuestionRow;
      const spans = q.gold.map(parseSpanId);
      const set = typeof q.set === 'string' && /^questions(-[\w-]+)?$/.test(q.set) ? (q.set as `questions${string}`) : 'questions';
      return { id: `${q.repo}@${i + 1}`, set, repo: q.repo, commit: q.commit, query: q.query, goldFiles: [...new Set(spans.map((g) => g.path))], goldSpans: spans };
    }
    throw new Error(`eval set row ${i + 1}: neither SWE-bench (problem_statement, base_commit), docstring (query, gold_path) nor question (query, commit, gold) fields`);
  });
}

/**
 * SWE-bench items queried by the first non-empty line of the issue (its title) instead of the whole text: short
 * developer-written queries whose gold files are untouched — unlike the docstring set, whose gold functions have
 * their doc comments blanked. Other items are returned as they are.
 */
export function issueTitles(items: EvalItem[]): EvalItem[] {
  return items.map((it) =>
    it.set === 'swebench' ? { ...it, set: 'swebench-titles', query: firstNonEmptyLine(it.query) ?? it.query } : it,
  );
}

/** Whether the items are checked out commit by commit in one working tree per repository (SWE-bench style). */
export const isIssueSet = (set: string) => set === 'swebench' || set === 'swebench-titles';

export function loadEvalSet(file: string): EvalItem[] {
  return parseEvalSet(readFileSync(file, 'utf8'));
}

/** Gold span ids (`path#name`) a chunk matches. */
export function spanMatches(c: { path: string; qualifiedName: string; name: string; startLine: number; endLine: number }, spans: GoldSpan[]): string[] {
  const out: string[] = [];
  for (const s of spans) {
    if (s.path !== c.path) continue;
    const last = s.name.split('.').pop()!;
    const byName = c.qualifiedName === s.name || c.qualifiedName.endsWith('.' + s.name);
    const byLines = s.startLine !== undefined && c.name === last && c.startLine <= s.endLine! && c.endLine >= s.startLine;
    if (byName || byLines) out.push(spanId(s));
  }
  return out;
}

export const spanId = (s: GoldSpan): string => `${s.path}#${s.name}`;
/** The gold span a `path#QualifiedName` id names (the inverse of `spanId`). */
export const parseSpanId = (id: string): GoldSpan => ({ path: id.slice(0, id.indexOf('#')), name: id.slice(id.indexOf('#') + 1) });

/** Chunk-level gold matching, memo-free helper for ranked chunk lists. */
export function rankedSpanMatches(chunks: readonly Chunk[], spans: GoldSpan[]): string[][] {
  return chunks.map((c) => spanMatches(c, spans));
}

// ---- doc-comment blanking ------------------------------------------------------------------------------

const isComment = (l: string) => /^\s*(\/\/|\/\*|\*|\*\/|#(?!!))/.test(l);

/**
 * Returns `lines` (0-based array of a file's lines) with the doc comment of the definition at [start, end]
 * (1-based) replaced by empty lines: a Python docstring inside the body, or the comment block just above the
 * definition (or at its first lines) for C-like languages. The line count never changes.
 */
export function blankDocComment(lines: string[], start: number, end: number, language: 'py' | 'other'): string[] {
  const out = [...lines];
  const blank = (a: number, b: number) => {
    for (let i = a; i <= b; i++) out[i] = '';
  };
  if (language === 'py') {
    // Find the signature's end (a line ending with `:` at paren depth 0), then a string literal right after it.
    let depth = 0;
    let i = start - 1;
    while (i < end && !/^\s*(async\s+def|def|class)\b/.test(lines[i] ?? '')) i++;
    for (; i < end; i++) {
      const code = (lines[i] ?? '').replace(/#.*$/, '');
      for (const ch of code) depth += ch === '(' || ch === '[' || ch === '{' ? 1 : ch === ')' || ch === ']' || ch === '}' ? -1 : 0;
      if (depth <= 0 && /:\s*$/.test(code)) break;
    }
    let j = i + 1;
    while (j < end && !(lines[j] ?? '').trim()) j++;
    const m = (lines[j] ?? '').match(/^\s*[rRuUbB]{0,2}("""|'''|"|')/);
    if (!m) return out;
    const q = m[1];
    const after = lines[j].slice(lines[j].indexOf(q) + q.length);
    if (q.length === 1 || after.includes(q)) {
      blank(j, j);
      return out;
    }
    let k = j + 1;
    while (k < end && !(lines[k] ?? '').includes(q)) k++;
    blank(j, Math.min(k, end - 1));
    return out;
  }
  // C-like: the comment block directly above the definition (decorators/annotations skipped), or at its top.
  let a = start - 2;
  while (a >= 0 && /^\s*@/.test(lines[a])) a--;
  let top = a;
  while (top >= 0 && isComment(lines[top])) top--;
  if (top < a) blank(top + 1, a);
  let b = start - 1;
  while (b < end && isComment(lines[b])) b++;
  if (b > start - 1) blank(start - 1, b - 1);
  return out;
}
