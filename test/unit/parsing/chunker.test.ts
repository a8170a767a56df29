import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createChunker, chunkId, loadStats } from '../../../src/core/parsing';
import { cpSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { tempDir } from '../../helpers/workspace';
import { linesOf, uncoveredLines } from './helpers';

const chunker = createChunker();

function longFunction(name: string, statements: number): string {
  const body = Array.from({ length: statements }, (_, i) => `  if (input[${i}] > 0) {\n    total += input[${i}];\n  }`).join('\n');
  return `/** Sums many things. */\nexport function ${name}(input: number[]): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
}

test('languageOf maps extensions and file names; unknown is text', () => {
  assert.equal(chunker.languageOf('src/a.ts'), 'typescript');
  assert.equal(chunker.languageOf('src/A.TSX'), 'tsx');
  assert.equal(chunker.languageOf('lib/x.mjs'), 'javascript');
  assert.equal(chunker.languageOf('Gemfile'), 'ruby');
  assert.equal(chunker.languageOf('docs/README.md'), 'markdown');
  assert.equal(chunker.languageOf('LICENSE'), 'text');
  assert.equal(chunker.languageOf('a/b.unknownext'), 'text');
});

test('oversized definitions are split at statement boundaries with the signature repeated', async () => {
  const text = longFunction('sumAll', 40); // 125 lines of 3-line statements
  const chunks = await chunker.chunk('src/long.ts', text, { maxLines: 30 });
  const parts = chunks.filter((c) => c.name === 'sumAll');
  assert.ok(parts.length >= 4, `expected several parts, got ${parts.length}`);
  parts.forEach((p, i) => {
    assert.deepEqual(p.part, { index: i + 1, count: parts.length });
    assert.ok(p.endLine - p.startLine + 1 <= 30, `part ${i + 1} has ${p.endLine - p.startLine + 1} lines`);
    assert.equal(p.signature, 'export function sumAll(input: number[]): number');
    assert.equal(p.qualifiedName, 'sumAll');
    if (i === 0) {
      assert.equal(p.startLine, 1, 'the first part covers the doc comment');
      assert.equal(p.text, linesOf(text, p.startLine, p.endLine));
    } else {
      assert.ok(p.text.startsWith(`${p.signature}\n…\n`), 'later parts repeat the signature');
      assert.ok(p.text.endsWith(linesOf(text, p.startLine, p.endLine)));
      // statement boundary: a part never starts inside an `if` statement
      assert.match(linesOf(text, p.startLine, p.startLine), /^ {2}(if|return)/);
    }
    if (i > 0) assert.equal(p.startLine, parts[i - 1].endLine + 1);
  });
  assert.equal(new Set(parts.map((p) => p.id)).size, parts.length);
  assert.deepEqual(uncoveredLines(text, chunks), []);
});

test('short definitions are not split', async () => {
  const chunks = await chunker.chunk('src/short.ts', longFunction('small', 5));
  assert.equal(chunks.length, 1);
  assert.equal(chunks[0].part, undefined);
});

test('small top-level statements merge into blocks up to targetLines', async () => {
  const stmts = Array.from({ length: 50 }, (_, i) => `console.log(${i});`).join('\n');
  const text = `import { a } from './a';\nimport { b } from './b';\n\n${stmts}\n\nfunction f() {\n  return 1;\n}\n\nf();\n`;
  const chunks = await chunker.chunk('src/script.ts', text, { targetLines: 20 });
  const blocks = chunks.filter((c) => c.kind === 'block');
  assert.ok(blocks.length >= 3);
  for (const b of blocks) assert.ok(b.endLine - b.startLine + 1 <= 20);
  assert.equal(blocks[0].startLine, 1);
  assert.equal(blocks[0].name, "import { a } from './a';");
  assert.equal(blocks[blocks.length - 1].text, 'f();');
  assert.deepEqual(chunks.filter((c) => c.kind === 'function').map((c) => [c.name, c.startLine, c.endLine]), [['f', 55, 57]]);
  assert.deepEqual(uncoveredLines(text, chunks), []);
});

test('fallback chunker: markdown headings start sections; plain text windows cut at blank lines', async () => {
  const md = '# Title\n\nIntro.\n\n## A\n\nText a.\n\n## B\n\n```\n# not a heading\n```\n';
  const sections = await chunker.chunk('docs/x.md', md);
  assert.deepEqual(sections.map((c) => [c.kind, c.name, c.startLine, c.endLine]), [
    ['section', 'Title', 1, 3],
    ['section', 'A', 5, 7],
    ['section', 'B', 9, 13],
  ]);
  const paragraphs = Array.from({ length: 12 }, (_, i) => `para ${i} line 1\npara ${i} line 2\npara ${i} line 3`).join('\n\n');
  const plain = await chunker.chunk('notes.txt', paragraphs, { targetLines: 10 });
  assert.ok(plain.length >= 4);
  for (const c of plain) {
    assert.equal(c.kind, 'section');
    assert.equal(c.language, 'text');
    assert.ok(c.endLine - c.startLine + 1 <= 10);
    assert.match(linesOf(paragraphs, c.startLine, c.startLine), /line 1$/, 'windows start at a paragraph');
    assert.match(linesOf(paragraphs, c.endLine, c.endLine), /line 3$/, 'windows end at a paragraph');
    assert.equal(c.name, `notes.txt#L${c.startLine}`);
  }
  assert.deepEqual(uncoveredLines(paragraphs, plain), []);
  assert.deepEqual(await chunker.chunk('empty.json', '\n\n'), []);
});

test('a syntax error keeps the other symbols', async () => {
  const text = [
    'export function before(a: number): number {',
    '  return a + 1;',
    '}',
    '',
    'let oops = ) => {;',
    '',
    'export class After {',
    '  run(): void {',
    '    before(1);',
    '  }',
    '}',
    '',
    'export function last(): string {',
    "  return 'x';",
    '}',
  ].join('\n');
  const chunks = await chunker.chunk('src/broken.ts', text);
  const names = chunks.map((c) => `${c.kind}:${c.qualifiedName}`);
  for (const n of ['function:before', 'class:After', 'method:After.run', 'function:last']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
  assert.ok(chunks.some((c) => c.kind === 'block' && c.text.includes('oops')));
  assert.deepEqual(uncoveredLines(text, chunks), []);
});

test('ids are stable when lines shift; content changes change them', async () => {
  const text = 'const A = 1;\n\nfunction target(x: number): number {\n  return x * 2;\n}\n';
  const before = (await chunker.chunk('src/s.ts', text)).find((c) => c.name === 'target');
  const shifted = (await chunker.chunk('src/s.ts', '\n\n' + text)).find((c) => c.name === 'target');
  const edited = (await chunker.chunk('src/s.ts', text.replace('x * 2', 'x * 3'))).find((c) => c.name === 'target');
  assert.ok(before && shifted && edited);
  assert.equal(shifted.id, before.id);
  assert.equal(shifted.startLine, before.startLine + 2);
  assert.notEqual(edited.id, before.id);
  assert.equal(before.id, chunkId('src/s.ts', 'function', 'target', before.hash));
});

test('duplicate definitions get distinct, deterministic ids', async () => {
  const fn = 'function dup(): void {\n  work();\n}\n';
  const text = `${fn}\n${fn}`;
  const a = await chunker.chunk('src/d.js', text);
  const b = await chunker.chunk('src/d.js', '\n' + text);
  assert.equal(a.length, 2);
  assert.notEqual(a[0].id, a[1].id);
  assert.deepEqual(a.map((c) => c.id), b.map((c) => c.id));
});

test('grammars load once per process, however many chunkers and files', async () => {
  await chunker.chunk('a.py', 'def f():\n    pass\n');
  const loads = loadStats.grammarLoads;
  const other = createChunker();
  await Promise.all([other.chunk('b.py', 'x = 1\n'), chunker.chunk('c.py', 'def g():\n    return 2\n'), other.chunk('d.py', 'class C:\n    pass\n')]);
  assert.equal(loadStats.grammarLoads, loads, 'python was already loaded');
  assert.equal(loadStats.runtimeInits, 1);
});

test('Go methods are qualified by package and receiver; C++ out-of-class methods by scope', async () => {
  const go = await chunker.chunk('x.go', 'package store\n\nfunc (s *Store[T]) Get(k string) T {\n\treturn s.m[k]\n}\n');
  assert.deepEqual(go.map((c) => [c.kind, c.qualifiedName]), [['block', 'package store'], ['method', 'store.Store.Get']]);
  const cpp = await chunker.chunk('x.cpp', 'namespace n {\nvoid A::B::run() {\n  go();\n}\n}\n');
  assert.ok(cpp.some((c) => c.kind === 'method' && c.qualifiedName === 'n.A.B.run'));
});

test('deeply nested containers are still chunked (the bounded query re-searches container bodies)', async () => {
  const text = [
    'export namespace A {',
    '  export namespace B {',
    '    export namespace C {',
    '      export class Deep {',
    '        inner(): number {',
    '          return 1;',
    '        }',
    '      }',
    '    }',
    '  }',
    '}',
  ].join('\n');
  const chunks = await chunker.chunk('src/deep.ts', text);
  assert.ok(chunks.some((c) => c.kind === 'class' && c.qualifiedName === 'A.B.C.Deep'));
  assert.ok(chunks.some((c) => c.kind === 'method' && c.qualifiedName === 'A.B.C.Deep.inner' && c.startLine === 5 && c.endLine === 7));
  assert.deepEqual(uncoveredLines(text, chunks), []);
});

test('class summaries elide member bodies and keep their signatures', async () => {
  const text = 'class Box {\n  size = 1;\n\n  grow(by: number): void {\n    this.size += by;\n  }\n}\n';
  const [summary, method] = await chunker.chunk('src/box.ts', text);
  assert.equal(summary.kind, 'class');
  assert.equal(summary.text, 'class Box {\n  size = 1;\n\n  grow(by: number): void { … }\n}');
  assert.deepEqual([summary.startLine, summary.endLine], [1, 7]);
  assert.equal(method.qualifiedName, 'Box.grow');
});

test('an explicit assets dir with the bundled layout is used', async () => {
  const dir = tempDir('assets');
  cpSync(path.join(repoRoot, 'grammars', 'languages.json'), path.join(dir, 'languages.json'));
  mkdirSync(path.join(dir, 'go'));
  cpSync(path.join(repoRoot, 'grammars', 'go'), path.join(dir, 'go'), { recursive: true });
  cpSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm'), path.join(dir, 'go', 'go.wasm'));
  const bundled = createChunker({ assetsDir: dir });
  const chunks = await bundled.chunk('main.go', 'package main\n\nfunc main() {\n}\n');
  assert.deepEqual(chunks.map((c) => c.qualifiedName), ['package main', 'main.main']);
  // a language whose wasm is absent falls back to line windows instead of failing
  const py = await bundled.chunk('x.py', 'def f():\n    pass\n');
  assert.deepEqual(py.map((c) => c.kind), ['section']);
});
