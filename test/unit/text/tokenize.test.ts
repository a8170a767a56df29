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
