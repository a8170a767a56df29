/**
 * Definitions of a parsed file, from one pass over the matches of the language's definitions query.
 *
 * Capture convention (grammars/<lang>/definitions.scm):
 *   `@definition.<kind>` the definition node; kind is function, method, class, interface, struct, enum, trait,
 *                        type, module, constant or impl (an `impl` block: a class-like container named after its type)
 *   `@name`      its name (split on the language's `scopeSeparator`, e.g. `Foo::bar` → scope Foo, name bar)
 *   `@body`      the block elided in summaries and split into parts
 *   `@receiver`  a type qualifying the name (Go method receiver)
 *   `@doc`       a docstring node (Python)
 *   `@package`   (own pattern) a file-wide prefix of qualified names (Go package clause)
 * When several patterns capture the same node, the earliest pattern wins.
 */
import type { Node, Query } from 'web-tree-sitter';
import type { LanguageConfig } from './grammars';
import { stripComments, stripDocstring, type Lines } from './text';

export type DefKind =
  | 'function' | 'method' | 'class' | 'interface' | 'struct' | 'enum' | 'trait' | 'type' | 'module' | 'constant' | 'impl';

const DEF_KINDS = new Set<string>(['function', 'method', 'class', 'interface', 'struct', 'enum', 'trait', 'type', 'module', 'constant', 'impl']);
/** Containers whose members get their own chunks while the container gets a summary chunk. */
export const SUMMARY_KINDS = new Set<DefKind>(['class', 'interface', 'struct', 'enum', 'trait', 'impl']);

export interface Def {
  kind: DefKind;
  node: Node;
  pattern: number;
  start: number;
  end: number;
  name: string;
  /** Qualifiers from the name itself or a receiver (`Foo` of `Foo::bar`). */
  scope: string[];
  /** Further names declared by the same node (constant blocks). */
  extraNames: string[];
  body: Node | null;
  docNode: Node | null;
  parent: Def | null;
  children: Def[];
  // Filled by `describe`:
  startRow: number;
  endRow: number;
  signature: string;
  doc: string;
}

export interface FileDefs {
  roots: Def[];
  packageName: string;
}

/** End row of a node, not counting a trailing newline it swallowed (Rust line comments, C preprocessor lines). */
export function endRowOf(node: Node): number {
  const p = node.endPosition;
  return p.column === 0 && p.row > node.startPosition.row ? p.row - 1 : p.row;
}

function cleanName(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Capture-less depth budget of one query run; containers deeper than this are queried again from their body. */
const DEFAULT_MAX_START_DEPTH = 6;
const CONTAINER_KINDS = new Set<string>(['class', 'interface', 'struct', 'enum', 'trait', 'impl', 'module']);

/** Depth of `node` below `top` (walks parents; only called for containers). */
function depthBelow(node: Node, top: Node): number {
  let d = 0;
  for (let n: Node | null = node; n && n.id !== top.id; n = n.parent) d++;
  return d;
}

/**
 * Runs the query and nests the captured definitions by range. The query is bounded by `maxStartDepth` so that
 * function bodies deep in the tree (whose definitions stay in their parent's chunk anyway) are not searched;
 * container bodies lying near that bound are searched again from the body, so nesting depth is not limited.
 */
export function collectDefs(query: Query, root: Node, config: LanguageConfig): FileDefs {
  const byNode = new Map<number, Def>();
  let packageName = '';
  const sep = config.scopeSeparator;
  const maxStartDepth = config.maxStartDepth ?? DEFAULT_MAX_START_DEPTH;
  const pending: Node[] = [root];
  const searched = new Set<number>();
  while (pending.length) {
    const top = pending.pop() as Node;
    if (searched.has(top.id)) continue;
    searched.add(top.id);
    for (const m of query.matches(top, { maxStartDepth })) {
      let defNode: Node | null = null;
      let kind = '';
      let nameNode: Node | null = null;
      let body: Node | null = null;
      let receiver: Node | null = null;
      let doc: Node | null = null;
      for (const c of m.captures) {
        const n = c.name;
        if (n === 'name') nameNode = c.node;
        else if (n === 'body') body = c.node;
        else if (n === 'receiver') receiver = c.node;
        else if (n === 'doc') doc = c.node;
        else if (n === 'package') packageName = cleanName(c.node.text);
        else if (n.startsWith('definition.')) {
          defNode = c.node;
          kind = n.slice(11);
        }
      }
      if (!defNode || !nameNode || !DEF_KINDS.has(kind)) continue;
      const prev = byNode.get(defNode.id);
      if (prev && prev.pattern === m.patternIndex && prev.kind === 'constant') {
        const extra = cleanName(nameNode.text); // `const (A = 1; B = 2)`, `const a = 1, b = 2`
        if (extra !== prev.name && !prev.extraNames.includes(extra)) prev.extraNames.push(extra);
        continue;
      }
      if (prev && prev.pattern <= m.patternIndex) continue;
      let name = cleanName(nameNode.text);
      const scope: string[] = [];
      if (receiver) scope.push(cleanName(receiver.text));
      if (sep && name.includes(sep)) {
        const parts = name.split(sep).map((s) => s.trim()).filter(Boolean);
        name = parts.pop() ?? name;
        scope.push(...parts);
      }
      byNode.set(defNode.id, {
        kind: kind as DefKind, node: defNode, pattern: m.patternIndex, start: defNode.startIndex, end: defNode.endIndex,
        name, scope, extraNames: [], body, docNode: doc, parent: null, children: [],
        startRow: 0, endRow: 0, signature: '', doc: '',
      });
      if (!prev && body && CONTAINER_KINDS.has(kind) && depthBelow(body, top) + 3 > maxStartDepth) pending.push(body);
    }
  }
  const defs = [...byNode.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  const roots: Def[] = [];
  const stack: Def[] = [];
  for (const d of defs) {
    while (stack.length && stack[stack.length - 1].end <= d.start) stack.pop();
    const parent = stack[stack.length - 1] ?? null;
    // `typedef struct {…} T` captured twice (typedef and struct): keep the outer one.
    if (parent && d.body && parent.body && parent.body.id === d.body.id) continue;
    d.parent = parent;
    (parent ? parent.children : roots).push(d);
    stack.push(d);
  }
  return { roots, packageName };
}

/**
 * Range (covering wrappers, attached decorators/attributes and the adjacent comments above), signature and doc.
 * Only called for definitions that become chunks.
 */
export function describe(d: Def, lines: Lines, config: LanguageConfig, wrappers: Set<string>, attached: Set<string>, comments: Set<string>, skip: Set<string>): void {
  let outer = d.node;
  for (let p = outer.parent; p && wrappers.has(p.type); p = p.parent) outer = p;
  let startRow = outer.startPosition.row;
  const docTexts: string[] = [];
  // Cheap check first: nothing can be attached when the line above is blank and nothing precedes on this line.
  const lineStart = lines.starts[startRow];
  const alone = (startRow === 0 || lines.blank[startRow - 1] === 1) && !lines.text.slice(lineStart, outer.startIndex).trim();
  let prev = alone ? null : outer.previousNamedSibling;
  while (prev) {
    const t = prev.type;
    if (attached.has(t)) {
      startRow = prev.startPosition.row;
    } else if (comments.has(t)) {
      if (endRowOf(prev) < startRow - 1) break; // a blank line separates it
      const before = prev.previousSibling;
      if (before && endRowOf(before) === prev.startPosition.row && !comments.has(before.type)) break; // trailing comment of a statement
      startRow = prev.startPosition.row;
      const text = prev.text;
      if (config.docPrefixes.some((p) => text.startsWith(p))) docTexts.unshift(text);
      else docTexts.length = 0; // a plain comment between the doc and the definition ends the doc
    } else break;
    prev = prev.previousNamedSibling;
  }
  d.startRow = startRow;
  d.endRow = outer === d.node ? lines.rowOf(Math.max(d.start, d.end - 1)) : endRowOf(outer);

  // Signature: from the first child that is not a decorator/attribute up to the body.
  let sigStart = outer.startIndex;
  if (skip.size) {
    let c = outer.firstChild;
    while (c && (skip.has(c.type) || comments.has(c.type))) c = c.nextSibling;
    if (c) sigStart = c.startIndex;
  }
  let signature: string;
  if (d.body && d.body.startIndex > sigStart) {
    // Stop before comments that sit between the declaration and its body (Python: `def f():  # note`).
    let sigEnd = d.body.startIndex;
    for (let c = d.body.previousSibling; c && comments.has(c.type) && c.startIndex > sigStart; c = c.previousSibling) sigEnd = c.startIndex;
    signature = lines.text.slice(sigStart, sigEnd);
  } else {
    // Up to three lines: all of them; longer (a big constant): its first line. Found without splitting the text.
    const all = lines.text;
    const end = outer.endIndex;
    const nl1 = all.indexOf('\n', sigStart);
    const nl2 = nl1 < 0 || nl1 >= end ? -1 : all.indexOf('\n', nl1 + 1);
    const nl3 = nl2 < 0 || nl2 >= end ? -1 : all.indexOf('\n', nl2 + 1);
    signature = nl3 >= 0 && nl3 < end ? all.slice(sigStart, nl1) : all.slice(sigStart, end);
  }
  d.signature = signature
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');

  if (d.docNode) d.doc = stripDocstring(d.docNode.text);
  else if (docTexts.length) d.doc = stripComments(docTexts);
}
