import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { createRetriever } from '../../../src/core/search/retriever';
import { ownerOf } from '../../../src/core/search/features';
import { namePartsKept, primeSignatures } from '../../../src/core/search/nameMatch';
import { CHUNK_FEATURES, recordOf } from '../../../src/core/search/model';
import { indexedWorkspace, makeWorkspace, writeFile } from '../../helpers/workspace';
import { FIXTURE_FILES } from './fixtureRepo';

// The name features of a chunk: how its name, and its class's, stand to the query's words.

let idx: WorkspaceIndex;
let root: string;

before(async () => {
  root = makeWorkspace(FIXTURE_FILES);
  idx = await indexedWorkspace(root, 'name-idx');
});
after(async () => {
  await idx.close();
});

/** Writes `file` with one-line Python functions of these names, asks `query`, and gives each name's chunk features. */
function nameFeatures(file: string, names: string[], query: string): Promise<(name: string) => Record<string, number>> {
  return featuresOf(file, names.map((n) => `def ${n}(x):\n    return x\n`).join('\n'), query);
}

/** Writes `file`, asks `query`, and gives the chunk features of each definition of the file by qualified name. */
async function featuresOf(file: string, source: string, query: string): Promise<(name: string) => Record<string, number>> {
  writeFile(root, file, source);
  await idx.indexer.updateFiles([file]);
  const res = await createRetriever(idx).retrieve(query, { k: 10 });
  return (name) => {
    const c = res.candidates.chunks.find((x) => x.chunk.path === file && x.chunk.qualifiedName === name);
    assert.ok(c, `${name} is a candidate (of ${res.candidates.chunks.filter((x) => x.chunk.path === file).map((x) => x.chunk.qualifiedName).join(', ')})`);
    return recordOf(CHUNK_FEATURES, c.features);
  };
}

test('nameCover: how much of the query a name stands for, where nameParts is how much of the name the query explains', async () => {
  const f = await nameFeatures('shop/profiles.py', ['save', 'save_user_profile', 'save_saved_user'], 'saves user profiles');
  // Query words: saves, user, profiles. Every part of each name is one of them (another form counts), so nameParts
  // cannot tell the three apart; nameCover can. Two parts for the same word (`save`, `saved`) count once.
  for (const name of ['save', 'save_user_profile', 'save_saved_user']) assert.equal(f(name).nameParts, 1, name);
  assert.equal(f('save').nameCover, 1 / 3);
  assert.equal(f('save_user_profile').nameCover, 1);
  assert.equal(f('save_saved_user').nameCover, 2 / 3);
});

test('a name part written as one word of query words (`progressbar` for "progress bar") counts as those words', async () => {
  const f = await nameFeatures('shop/terminal.py', ['progressbar', 'progress', 'progressbaz'], 'shows a progress bar while iterating');
  // Query words: shows, progress, bar, iterating. `progressbar` is `progress` and `bar` written together.
  assert.equal(f('progressbar').nameParts, 1);
  assert.equal(f('progressbar').nameCover, 2 / 4);
  assert.equal(f('progress').nameCover, 1 / 4);
  // `progressbaz` starts with a query word, but `baz` is none.
  assert.equal(f('progressbaz').nameParts, 0);
});

test('a name part of 4+ letters written short for a query word (`async` for "asynchronously") counts as that word', async () => {
  const f = await nameFeatures('shop/jobs.py', ['run_async', 'run_asy', 'run_asyncio'], 'runs the job asynchronously');
  assert.equal(f('run_async').nameParts, 1);
  // Three letters are too few to stand for a word, and `asyncio` is not the start of "asynchronously".
  assert.equal(f('run_asy').nameParts, 0.5);
  assert.equal(f('run_asyncio').nameParts, 0.5);
  // Not in an issue: its hundreds of words match many parts by their first letters (it cost issues function MRR).
  const issue = await nameFeatures('shop/jobs.py', ['run_async'], 'Jobs never finish\n\nIt runs the job asynchronously.\nThen it hangs.\nForever.');
  assert.equal(issue('run_async').nameParts, 0.5);
  // Each query's verdicts on a name part are its own (nameMatch.ts keeps them on the part, stamped with the query):
  // asked again after the issue, the question still matches `async`.
  const again = await nameFeatures('shop/jobs.py', ['run_async'], 'runs the job asynchronously');
  assert.equal(again('run_async').nameParts, 1);
});

test('a name part that the lexicon gives as an abbreviation of a query word (`len` for "length") counts as that word', async () => {
  const f = await nameFeatures('shop/text.py', ['msg_len', 'msg_lex', 'configuration_path'], 'the length of a message read from a cfg');
  assert.equal(f('msg_len').nameParts, 1);
  // `lex` is short for "lexer", which the query does not say; a long name part counts for its abbreviation too.
  assert.equal(f('msg_lex').nameParts, 0.5);
  assert.equal(f('configuration_path').nameParts, 0.5);
});

test('ownerParts: how much of the class\'s name the query explains (`reader` of `LineReader` for "Closes this reader")', async () => {
  const src = 'class LineReader:\n    def close(self):\n        return 1\n\n\nclass LineWriter:\n    def close(self):\n        return 2\n';
  const f = await featuresOf('shop/lines.py', src, 'Closes this reader and frees its buffer');
  assert.equal(f('LineReader.close').ownerParts, 0.5);
  assert.equal(f('LineWriter.close').ownerParts, 0);
  // The method's own name matches the same for both: only the class tells them apart.
  assert.equal(f('LineReader.close').nameParts, f('LineWriter.close').nameParts);
  // Not in an issue: its many words name many classes (it cost issues function MRR).
  const issue = await featuresOf('shop/lines.py', src, 'Reader never closes\n\nClosing the reader leaks its buffer.\nThen it hangs.\nForever.');
  assert.equal(issue('LineReader.close').ownerParts, 0);
});

test('the owner is the next-to-last segment of a qualified name, when both segments are identifiers', () => {
  assert.equal(ownerOf('grep.searcher.DecompressionReader.close'), 'DecompressionReader');
  assert.equal(ownerOf('Rack.Response.Helpers.do_not_cache!'), 'Helpers');
  assert.equal(ownerOf('close'), undefined);
  // Block labels are no definitions: a call chain has no owner.
  assert.equal(ownerOf("expect(mergePath('book', '/')).toBe('/book')"), undefined);
  assert.equal(ownerOf('Object.assign(domRenderers, {'), undefined);
});

test('sigParts: the query words a declaration line explains besides the name; leadName: the query starts with the name', async () => {
  const f = await featuresOf(
    'shop/completion.go',
    [
      'package shop',
      '',
      'import "io"',
      '',
      'type Command struct{}',
      '',
      'func (c *Command) GenCompletion(w io.Writer, includeDesc bool) error {',
      '\treturn nil',
      '}',
      '',
      'func (c *Command) GenCompletionFile(filename string, includeDesc bool) error {',
      '\treturn nil',
      '}',
      '',
      'func (c *Command) WriteCompletion(w io.Writer) error {',
      '\treturn nil',
      '}',
      '',
    ].join('\n'),
    'generates the completion script with descriptions and writes it to the passed writer',
  );
  // Query words: generates, completion, script, descriptions, writes, passed, writer (7). Besides the name,
  // GenCompletion's line has `writer` and `desc` (written short for "descriptions"); the file variant only `desc`;
  // `c`, `w`, `bool`, `error` and the keywords explain nothing.
  assert.equal(f('shop.Command.GenCompletion').sigParts, 2 / 7);
  assert.equal(f('shop.Command.GenCompletionFile').sigParts, 1 / 7);
  // `write` is WriteCompletion's own name part: it counts in the name features, not again here.
  assert.equal(f('shop.Command.WriteCompletion').sigParts, 1 / 7);
  // "generates" starts the query; `gen` is not its stem, so no name leads with it; "writes" is not the first word.
  assert.equal(f('shop.Command.GenCompletion').leadName, 0);
  assert.equal(f('shop.Command.WriteCompletion').leadName, 0);
  const g = await featuresOf('shop/completion.go', 'package shop\n\nfunc WriteCompletion() error {\n\treturn nil\n}\n\nfunc ReadCompletion() error {\n\treturn nil\n}\n', 'writes the completion script');
  assert.equal(g('shop.WriteCompletion').leadName, 1);
  assert.equal(g('shop.ReadCompletion').leadName, 0);
});

test('a chunk\'s declaration line is read from it once (an open store keeps it off the heap), by the warm-up if not before', async () => {
  let reads = 0;
  const chunk = { name: 'GenCompletion', get signature() { reads++; return 'func (c *Command) GenCompletion(w io.Writer) error'; } };
  const other = { name: 'Run', get signature() { reads++; return ''; } };
  await primeSignatures([chunk, other]);
  assert.equal(reads, 2);
  await primeSignatures([chunk, other, chunk]);
  assert.equal(reads, 2, 'kept by chunk, empty lines too');
  const ac = new AbortController();
  ac.abort();
  const third = { name: 'x', get signature() { reads++; return 'def x(a)'; } };
  await primeSignatures([third], ac.signal);
  assert.equal(reads, 2, 'an aborted warm-up reads nothing');
});

test('past 600k name parts, the next query starts the part records over, and the features come out the same', async () => {
  const query = 'compute the tax for a region';
  const all = async () => {
    const res = await createRetriever(idx).retrieve(query, { k: 10 });
    return new Map(res.candidates.chunks.map((c) => [c.chunk.id, Array.from(c.features)]));
  };
  const before = await all();
  // 320k made-up names of two new parts each: 640k part records, kept through the priming.
  const word = (i: number) => { let w = ''; for (let n = i + 26 ** 4; n > 0; n = Math.floor(n / 26)) w += String.fromCharCode(97 + (n % 26)); return w; };
  const fakes = Array.from({ length: 320_000 }, (_, i) => ({ name: `${word(2 * i)}_${word(2 * i + 1)}`, signature: '' }));
  await primeSignatures(fakes);
  assert.ok(namePartsKept() >= 600_000, `the priming kept ${namePartsKept()} parts`);
  const after = await all();
  assert.ok(namePartsKept() < 1000, `the query started over (${namePartsKept()} parts now)`);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [id, f] of before) assert.deepEqual(after.get(id), f, id);
});
