/**
 * Text rewritten before parsing (grammars/<lang>/language.json `blankBeforeParse`), here TypeScript's: a `;` where a
 * generic call signature starts a line after another type member (tree-sitter-typescript#335), and an import type's
 * `import("…").` blanked where the grammar cannot take it (`import("./x").Foo<T>`, `…Bar[]`). The real grammars and
 * the shipped patterns; the golden chunks of the call-signature fixture are in golden.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveAssets } from '../../../src/core/parsing/assets';
import { blankMatches, GrammarLoader, type Grammar } from '../../../src/core/parsing/grammars';
import { loadRegistry } from '../../../src/core/parsing/registry';
import { languagesDir } from './helpers';

async function grammar(id: string): Promise<Grammar> {
  const assets = resolveAssets();
  const entry = loadRegistry(assets.registryFile).byId.get(id);
  const g = entry ? await new GrammarLoader(assets).get(entry) : undefined;
  assert.ok(g, `the ${id} grammar loads`);
  return g;
}

function hasError(g: Grammar, source: string): boolean {
  const tree = g.parser.parse(source);
  assert.ok(tree);
  try {
    return tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

test('TypeScript: a ; before each generic call signature that follows a member, so the interface parses whole', async () => {
  const g = await grammar('typescript');
  const text = readFileSync(path.join(languagesDir, 'typescript', 'callSignatures.ts'), 'utf8');
  assert.equal(hasError(g, text), true, 'the grammar alone fails on this file (else the rewrite is not needed)');
  const source = blankMatches(text, g.blank);
  assert.equal(hasError(g, source), false);
  assert.equal(source.length, text.length);
  const changed: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (source[i] === text[i]) continue;
    assert.equal(text[i], ' ');
    assert.equal(source[i], ';');
    assert.equal(text[i + 1], '<');
    changed.push(`${text.slice(0, i).split('\n').length}: ${text.slice(i + 1, text.indexOf('\n', i)).slice(0, 20)}`);
  }
  // Not line 6 (it follows the interface's `{`), nor the generic arrows of lines 36 and 40 (an argument, a body).
  assert.deepEqual(changed, ['9: <', '21: <P extends string>(p', '26: <T>(path: string, da']);
});

test('TypeScript and TSX: no ; where a line starting with < continues code (arrows, JSX, arguments, assertions)', async () => {
  const unchanged = [
    // an arrow's body on the next line, plain and JSX
    'const id = () =>\n  <T>(x: T): T => x\n',
    'const View = () =>\n  <div>\n    <span>{x}</span>\n  </div>\n',
    // an argument, after a comment line that ends like a type
    'call(\n  // see f(x)\n  <T>(x: T) => x,\n)\n',
    // an operand after an operator, an assertion after `=`
    'const ok = ready &&\n  <T>(x: T) => x\nconst n =\n  <number>value\n',
    // JSX children whose tag is not followed by `(`
    'return (\n  <ul>\n    <li>{one}</li>\n  </ul>\n)\n',
    // members already separated
    'interface A {\n  x: number;\n  <T>(y: T): T;\n}\n',
  ];
  for (const id of ['typescript', 'tsx']) {
    const g = await grammar(id);
    for (const text of unchanged) assert.equal(blankMatches(text, g.blank), text, `${id}: ${JSON.stringify(text)}`);
  }
  // A JSX child or a template literal's line `<li>(one)` after a tag's line looks like `<T>(…)` after a type: the `;`
  // lands in JSX text or in the string, and the tree stays whole (the chunks' text is the file's own either way).
  const looksAlike: [string, string][] = [
    ['tsx', 'const List = () => (\n  <ul>\n    <li>(one)</li>\n  </ul>\n)\n'],
    ['typescript', 'const page = html`\n  <html>\n    <li>(${x})</li>\n  </html>`\n'],
  ];
  for (const [id, text] of looksAlike) {
    const g = await grammar(id);
    const source = blankMatches(text, g.blank);
    assert.equal(source, text.replace('    <li>', '   ;<li>'));
    assert.equal(hasError(g, source), false, `${id}: ${JSON.stringify(text)}`);
  }
});

test('TypeScript: import types with type arguments or [] parse once their `import("…").` is blanked', async () => {
  const g = await grammar('typescript');
  const broken = [
    'export declare function f(x: import("./x").Foo<string>): import("./x").Bar[];\n',
    "class A extends mock<import('../log').ILogService>() {}\n",
    'let a: readonly import("vscode").ChatResource[] = [];\n',
  ];
  for (const text of broken) {
    assert.equal(hasError(g, text), true, `the grammar alone fails: ${text}`);
    const source = blankMatches(text, g.blank);
    assert.equal(hasError(g, source), false, text);
    assert.equal(source.length, text.length);
    assert.equal(source.replace(/ +/g, ' '), text.replace(/import\((['"])[^'"]*\1\)\./g, ' ').replace(/ +/g, ' '));
  }
  // Left as they are: a dynamic import (a call follows), `typeof import(…)` (the grammar takes it).
  for (const text of ["const m = import('./m').then((x) => x.default);\n", 'let a: typeof import("./x").default;\n']) {
    assert.equal(blankMatches(text, g.blank), text, text);
    assert.equal(hasError(g, text), false, text);
  }
});
