import { test } from 'node:test';
import assert from 'node:assert/strict';
import { identifierParts, tokenizeCode, tokenizePath } from '../../../src/core/text/tokenize';

test('identifiers split on camelCase, acronyms, digits, snake and kebab case', () => {
  assert.deepEqual(identifierParts('parseHTTPConfig2'), ['parse', 'http', 'config', '2']);
  assert.deepEqual(identifierParts('snake_case_name'), ['snake', 'case', 'name']);
  assert.deepEqual(identifierParts('XMLHttpRequest'), ['xml', 'http', 'request']);
  assert.deepEqual(identifierParts('__init__'), ['init']);
});

test('tokenizeCode keeps the whole identifier and its parts, lower-cased', () => {
  assert.deepEqual(tokenizeCode('const parseConfig = load_file("a-b")'), [
    'const', 'parseconfig', 'parse', 'config', 'load_file', 'load', 'file', 'a-b', 'a', 'b',
  ]);
  assert.deepEqual(tokenizeCode('getX', { keepWhole: false }), ['get', 'x']);
  assert.deepEqual(tokenizeCode('a bb ccc', { minLength: 2 }), ['bb', 'ccc']);
});

test('tokenizePath yields segments and their parts', () => {
  assert.deepEqual(tokenizePath('src/core/index/vectorStore.ts'), ['src', 'core', 'index', 'vectorstore', 'vector', 'store', 'ts']);
});

/** The definition tokenizeCode's scanner must match: identifiers as this regex finds them (its memo must not change that). */
const IDENT = /[A-Za-z_$][A-Za-z0-9_$]*(?:-[A-Za-z0-9_$]+)*|[0-9]+/g;
function reference(text: string, minLength = 1): string[] {
  const out: string[] = [];
  for (const [ident] of text.matchAll(IDENT)) {
    const parts = identifierParts(ident);
    const whole = ident.toLowerCase();
    const emitParts = parts.length > 1 || (parts.length === 1 && parts[0] !== whole);
    for (const t of [whole, ...(emitParts ? parts : [])]) if (t.length >= minLength) out.push(t);
  }
  return out;
}

test('tokenizeCode finds exactly the identifiers of its regex definition, repeated or not', () => {
  const cases = [
    'a-b a--b x- -x 9-a a-9 a$b-c_d x1-2y foo- -- $ _ __init__ HTTPServer2Go',
    'ÄbcDéf naïve_name café-au-lait 12ab ab12 0x1F 3.14e10 α-beta',
    'kebab-case-word kebab-case-word kebab-case-wordy kebab-case-wor', // a memoized identifier, then longer and shorter ones
    'def parse_config(self, path: str) -> "ConfigDict":\n    return loadYAML(path)  # parseConfig parse_config',
    'const fooBar = (x) => x?.bazQux ?? `${FOO_BAR}-${x}`; fooBar fooBa fooBarr',
    '',
  ];
  for (const text of cases) {
    for (const minLength of [1, 2]) assert.deepEqual(tokenizeCode(text, { minLength }), reference(text, minLength), `${JSON.stringify(text)} minLength ${minLength}`);
  }
});
