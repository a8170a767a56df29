/**
 * Chunks of a parsed file: one per definition, a summary per class-like container, split parts for oversized
 * definitions, merged module-level constants, and `block` chunks for whatever top-level code lies between.
 */
import type { Node } from 'web-tree-sitter';
import type { ChunkKind, ChunkOptions } from '../types';
import { collectDefs, describe, endRowOf, SUMMARY_KINDS, type Def } from './definitions';
import type { Grammar } from './grammars';
import type { Draft } from './ids';
import { sha256, type Lines } from './text';
import { packRows } from './windows';

const MAX_LABEL = 60;
const MAX_LISTED_NAMES = 4;

interface Sets {
  wrappers: Set<string>;
  attached: Set<string>;
  comments: Set<string>;
  skip: Set<string>;
}

const setsCache = new WeakMap<Grammar, Sets>();
function setsOf(g: Grammar): Sets {
  let s = setsCache.get(g);
  if (!s) {
    const c = g.config;
    s = { wrappers: new Set(c.wrappers), attached: new Set(c.attached), comments: new Set(c.commentTypes), skip: new Set(c.signatureSkip) };
    setsCache.set(g, s);
  }
  return s;
}

interface ConstGroup {
  defs: Def[];
  quals: string[];
  container: Def | null;
}

export function definitionChunks(path: string, language: string, lines: Lines, root: Node, grammar: Grammar, opts: ChunkOptions): Draft[] {
  const sets = setsOf(grammar);
  const { roots, packageName } = collectDefs(grammar.query, root, grammar.config);
  const drafts: Draft[] = [];
  const moduleBodies: Node[] = [];
  const text = lines.text;

  const draft = (kind: ChunkKind, name: string, qualifiedName: string, a: number, b: number, signature: string, doc: string, body: string, key = qualifiedName): Draft => {
    const d: Draft = { key, path, language, kind, name, qualifiedName, startLine: a + 1, endLine: b + 1, signature, doc, text: body, hash: sha256(body) };
    drafts.push(d);
    return d;
  };

  /** One chunk, or parts split at statement boundaries when longer than maxLines. */
  const emit = (d: Def, kind: ChunkKind, name: string, qual: string, a: number, b: number, signature: string, doc: string, splitRoot: Node | null) => {
    if (b - a + 1 <= opts.maxLines || !splitRoot) {
      draft(kind, name, qual, a, b, signature, doc, lines.slice(a, b));
      return;
    }
    const marks = new Uint8Array(b - a + 1);
    const collect = (n: Node) => {
      for (const c of n.namedChildren) {
        const r = c.startPosition.row;
        if (r > a && r <= b) marks[r - a] = 1;
        if (endRowOf(c) - r + 1 > opts.maxLines) collect(c);
      }
    };
    collect(splitRoot);
    const parts = packRows(lines, a, b, opts.maxLines, (r) => marks[r - a] === 1);
    if (parts.length <= 1) {
      draft(kind, name, qual, a, b, signature, doc, lines.slice(a, b));
      return;
    }
    parts.forEach(([pa, pb], i) => {
      const body = i === 0 ? lines.slice(pa, pb) : `${signature}\n…\n${lines.slice(pa, pb)}`;
      const c = draft(kind, name, qual, pa, pb, signature, doc, body, `${qual}#part${i + 1}`);
      c.part = { index: i + 1, count: parts.length };
    });
  };

  let group: ConstGroup | null = null;
  const flush = () => {
    if (!group) return;
    const { defs, quals } = group;
    group = null;
    const first = defs[0];
    const last = defs[defs.length - 1];
    const listed = (xs: string[]) => (xs.length > MAX_LISTED_NAMES ? [...xs.slice(0, MAX_LISTED_NAMES), '…'] : xs).join(', ');
    const name = listed(defs.flatMap((d) => [d.name, ...d.extraNames]));
    const qual = listed(quals.flatMap((q) => q.split(', ')));
    const doc = defs.map((d) => d.doc).filter(Boolean).join('\n');
    const signature = defs.map((d) => d.signature.split('\n')[0]).join('\n');
    emit(first, 'constant', name, qual, first.startRow, last.endRow, signature, doc, defs.length === 1 ? first.body ?? first.node : null);
  };
  const addConstant = (d: Def, ctx: string, container: Def | null) => {
    const qual = [d.name, ...d.extraNames].map((n) => (ctx ? `${ctx}.${n}` : n)).join(', ');
    if (group && group.container === container) {
      const prev = group.defs[group.defs.length - 1];
      let adjacent = d.endRow - group.defs[0].startRow + 1 <= opts.targetLines;
      for (let r = prev.endRow + 1; adjacent && r < d.startRow; r++) if (!lines.blank[r]) adjacent = false;
      if (adjacent) {
        group.defs.push(d);
        group.quals.push(qual);
        return;
      }
    }
    flush();
    group = { defs: [d], quals: [qual], container };
  };

  const summary = (d: Def, qual: string) => {
    const base = lines.starts[d.startRow];
    const end = lines.endOf(d.endRow);
    const pieces: string[] = [];
    let at = base;
    for (const c of d.children) {
      const body = c.body;
      if (!body || body.startIndex < at || body.endIndex > end) continue;
      pieces.push(text.slice(at, body.startIndex), text.charCodeAt(body.startIndex) === 123 /* { */ ? '{ … }' : '…');
      at = body.endIndex;
    }
    if (!pieces.length) {
      emit(d, d.kind === 'impl' ? 'class' : (d.kind as ChunkKind), d.name, qual, d.startRow, d.endRow, d.signature, d.doc, d.body ?? d.node);
      return;
    }
    pieces.push(text.slice(at, end));
    draft(d.kind === 'impl' ? 'class' : (d.kind as ChunkKind), d.name, qual, d.startRow, d.endRow, d.signature, d.doc, pieces.join(''));
  };

  const visit = (defs: Def[], ctx: string, container: Def | null) => {
    const inSummary = container !== null && SUMMARY_KINDS.has(container.kind);
    for (const d of defs) {
      // Bodiless members (fields, signatures, associated constants) are shown by the container's summary.
      if (inSummary && !d.body) continue;
      describe(d, lines, grammar.config, sets.wrappers, sets.attached, sets.comments, sets.skip);
      const qual = [ctx, ...d.scope, d.name].filter(Boolean).join('.');
      if (d.kind === 'module') {
        flush();
        if (d.body) moduleBodies.push(d.body);
        visit(d.children, qual, d);
        flush();
      } else if (SUMMARY_KINDS.has(d.kind)) {
        flush();
        summary(d, qual);
        visit(d.children, qual, d);
      } else if (d.kind === 'constant' && !inSummary) {
        addConstant(d, ctx, container);
      } else {
        flush();
        const callable = d.kind === 'function' || d.kind === 'method';
        const kind: ChunkKind = callable ? (inSummary || d.scope.length ? 'method' : 'function') : d.kind === 'impl' ? 'class' : d.kind;
        // Definitions nested in a function body stay in its chunk.
        emit(d, kind, d.name, qual, d.startRow, d.endRow, d.signature, d.doc, d.body ?? d.node);
      }
    }
  };
  visit(roots, packageName, null);
  flush();

  blocks(path, language, lines, root, moduleBodies, opts, drafts);
  return drafts;
}

/** Merges the rows no definition covers (imports, top-level code, ERROR regions) into `block` chunks. */
function blocks(path: string, language: string, lines: Lines, root: Node, moduleBodies: Node[], opts: ChunkOptions, drafts: Draft[]): void {
  const covered = new Uint8Array(lines.count);
  for (const d of drafts) covered.fill(1, d.startLine - 1, d.endLine);
  let starts: Uint8Array | undefined;
  const isStart = (r: number): boolean => {
    if (!starts) {
      starts = new Uint8Array(lines.count);
      for (const parent of [root, ...moduleBodies]) for (const c of parent.namedChildren) starts[c.startPosition.row] = 1;
    }
    return starts[r] === 1 || (lines.blank[r - 1] === 1 && !lines.blank[r]);
  };
  const n = lines.count;
  for (let r = 0; r < n; ) {
    if (covered[r] || lines.blank[r]) {
      r++;
      continue;
    }
    let e = r;
    while (e + 1 < n && !covered[e + 1]) e++;
    for (const [a, b] of packRows(lines, r, e, opts.targetLines, isStart)) {
      const body = lines.slice(a, b);
      const label = blockLabel(body);
      drafts.push({ key: label, path, language, kind: 'block', name: label, qualifiedName: label, startLine: a + 1, endLine: b + 1, signature: '', doc: '', text: body, hash: sha256(body) });
    }
    r = e + 1;
  }
}

/** A block's label: its first non-blank line, shortened. */
function blockLabel(body: string): string {
  const line = body.trimStart().split('\n', 1)[0].trim();
  return line.length > MAX_LABEL ? line.slice(0, MAX_LABEL - 1) + '…' : line;
}
