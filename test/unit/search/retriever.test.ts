import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openWorkspaceIndex, type WorkspaceIndex } from '../../../src/core/index/workspaceIndex';
import { createRetriever, spreadSiblings, type RankedHit } from '../../../src/core/search/retriever';
import { pointedLine } from '../../../src/core/search/named';
import type { Chunk } from '../../../src/core/types';
import { CHUNK_FEATURES, DEFAULT_WEIGHTS, modelsFor, recordOf, type RankWeights } from '../../../src/core/search/model';
import type { SearchHit } from '../../../src/core/search/hybrid';
import { indexedWorkspace, makeWorkspace, tempDir, writeFile } from '../../helpers/workspace';
import { FIXTURE_FILES } from './fixtureRepo';

let idx: WorkspaceIndex;
let root: string;

before(async () => {
  root = makeWorkspace(FIXTURE_FILES);
  idx = await indexedWorkspace(root, 'search-idx');
});
after(async () => {
  await idx.close();
});

const where = (h: RankedHit) => `${h.chunk.path}#${h.chunk.qualifiedName}`;

test('a pasted Python traceback finds the frame\'s file and function, and says why', async () => {
  const r = createRetriever(idx);
  const q = `Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/shop/cart.py", line 24, in apply_discount
  File "/venv/lib/python3.11/site-packages/shop/pricing.py", line 8, in compute_tax
    rate = TAX_RATES[region]
KeyError: 'asia'`;
  const files = await r.searchFiles(q, 3);
  assert.equal(files[0].path, 'shop/pricing.py');
  assert.ok(files[0].reasons.length > 0);
  const hits = await r.search(q, 5);
  assert.equal(where(hits[0]), 'shop/pricing.py#compute_tax');
  assert.ok(hits[0].reasons.length > 0, 'a hit carries its reasons');
});

test('an issue template\'s hidden comments are not part of the query: the same ranking as without them', async () => {
  const r = createRetriever(idx);
  const q = 'KeyError in compute_tax when the region is asia\n\nThe tax lookup fails for regions missing from the rates table.';
  // A template whose hidden instructions name other code ("`QuerySet.bulk_create`", an http client).
  const withTemplate = `<!-- Please describe the bug. Check \`QuerySet.bulk_create\` and send an http request with retries first. -->\n${q}\n<!-- Thanks for submitting an issue! -->`;
  const plain = await r.retrieve(q, { k: 10 });
  const templated = await r.retrieve(withTemplate, { k: 10 });
  assert.equal(where(plain.chunks[0]), 'shop/pricing.py#compute_tax');
  assert.deepEqual(templated.chunks.map(where), plain.chunks.map(where));
  assert.deepEqual(templated.chunks.map((h) => h.score), plain.chunks.map((h) => h.score));
});

test('a permalink to a file and line puts that file and the definition at that line first', async () => {
  const r = createRetriever(idx);
  const ask = (link: string) => r.retrieve(`This returns the wrong value for some inputs, see ${link}`, { k: 5 });
  const lookup = await ask('https://github.com/acme/shop/blob/0a1b2c3/shop/pricing.py#L16');
  assert.equal(lookup.files[0].path, 'shop/pricing.py');
  assert.equal(where(lookup.chunks[0]), 'shop/pricing.py#PriceTable.lookup');
  const filter = await ask('https://github.com/acme/shop/blob/0a1b2c3/shop/db/models.py#L9');
  assert.equal(filter.files[0].path, 'shop/db/models.py');
  assert.equal(where(filter.chunks[0]), 'shop/db/models.py#QuerySet.filter');
  // A link whose path does not end with a workspace file's whole path (another repository's pricing.py) names none.
  const mentioned = (res: Awaited<ReturnType<typeof ask>>) => res.candidates.files.filter((c) => c.features.pathMention > 0).map((c) => c.path);
  assert.deepEqual(mentioned(lookup), ['shop/pricing.py']);
  assert.deepEqual(mentioned(await ask('https://github.com/other/lib/blob/main/lib/other/pricing.py#L16')), []);
  assert.deepEqual(mentioned(await ask('https://github.com/acme/shop/blob/release/1.x/shop/pricing.py')), ['shop/pricing.py']);
});

test('the one line a query points at: one line of one file, and none beside a traceback frame or a second line', () => {
  const m = (lines: number[], frame = 0) => ({ path: 1, module: 0, frame, frameLast: 0, lines });
  assert.deepEqual(pointedLine(new Map([['shop/db/models.py', m([9, 9])], ['shop/cart.py', m([])]])), { path: 'shop/db/models.py', line: 9 });
  assert.equal(pointedLine(new Map([['shop/db/models.py', m([9, 12])]])), undefined);
  assert.equal(pointedLine(new Map([['shop/db/models.py', m([9])], ['shop/pricing.py', m([16])]])), undefined);
  assert.equal(pointedLine(new Map([['shop/db/models.py', m([9])], ['shop/cart.py', m([], 1)]])), undefined);
  assert.equal(pointedLine(new Map([['shop/db/models.py', m([])]])), undefined);
});

test('a permalink names its file when the workspace is opened one folder above the repository', async () => {
  const nested = Object.fromEntries(Object.entries(FIXTURE_FILES).map(([p, text]) => [`acme-shop/${p}`, text]));
  const above = await openWorkspaceIndex({ root: makeWorkspace(nested), indexDir: tempDir('search-above'), owner: 'test', workers: 0 });
  try {
    await above.indexer.indexAll();
    const r = createRetriever(above);
    const ask = (link: string) => r.retrieve(`This returns the wrong value for some inputs, see ${link}`, { k: 5 });
    const mentioned = (res: Awaited<ReturnType<typeof ask>>) => res.candidates.files.filter((c) => c.features.pathMention > 0).map((c) => c.path);
    const lookup = await ask('https://github.com/acme/shop/blob/0a1b2c3/shop/pricing.py#L16');
    assert.deepEqual(mentioned(lookup), ['acme-shop/shop/pricing.py']);
    assert.equal(where(lookup.chunks[0]), 'acme-shop/shop/pricing.py#PriceTable.lookup');
    // Still nothing for a link into another repository that shares only the file name's tail.
    assert.deepEqual(mentioned(await ask('https://github.com/other/lib/blob/main/lib/other/pricing.py#L16')), []);
  } finally {
    await above.close();
  }
});

test('an issue\'s title line is searched on its own: the title\'s file gets title features, a one-line query none', async () => {
  const issue = [
    'Tax is wrong for regions missing from the rates table',
    '',
    'We build a cart, add items to the cart and apply a discount to the cart total. The cart total after the discount',
    'is what the customer pays, and the cart is then checked out. With a cart of two items and a discount of 50 the',
    'cart total is right, but the amount charged for the cart is not what the cart total says.',
  ].join('\n');
  const titleOnly: RankWeights = { version: 1, file: { weights: { titleFbm: 1, titleLex: 1, titleSym: 1, isTest: -5, isDoc: -5 } }, chunk: DEFAULT_WEIGHTS.chunk };
  const bodyOnly: RankWeights = { version: 1, file: { weights: { lexMax: 1, fbm: 1, isTest: -5, isDoc: -5 } }, chunk: DEFAULT_WEIGHTS.chunk };
  const byTitle = await createRetriever(idx, { weights: titleOnly }).retrieve(issue, { k: 5 });
  const byBody = await createRetriever(idx, { weights: bodyOnly }).retrieve(issue, { k: 5 });
  assert.equal(byTitle.model, 'long');
  assert.equal(byBody.files[0].path, 'shop/cart.py', 'the whole text is about the cart');
  assert.equal(byTitle.files[0].path, 'shop/pricing.py', 'its title is about taxes and rates');
  const pricing = byTitle.candidates.files.find((c) => c.path === 'shop/pricing.py')!.features;
  assert.equal(pricing.titleFbm, 1);
  assert.ok(pricing.titleLex > 0, JSON.stringify(pricing));
  // One line is not an issue with a title: nothing is searched twice.
  const oneLine = await createRetriever(idx).retrieve('Tax is wrong for regions missing from the rates table, the cart total is charged wrong', { k: 5 });
  for (const c of oneLine.candidates.files) assert.equal(c.features.titleFbm + c.features.titleLex + c.features.titleSym, 0, c.path);
});

test('a backticked qualified name finds the definition', async () => {
  const r = createRetriever(idx);
  const hits = await r.search('`QuerySet.bulk_create` ignores the batch size when it is larger than the list', 5);
  assert.equal(where(hits[0]), 'shop/db/models.py#QuerySet.bulk_create');
});

test('for a code question the definition outranks the tests and docs that repeat its words', async () => {
  const r = createRetriever(idx);
  const files = await r.searchFiles('apply discount to cart total', 5);
  const rank = (p: string) => files.findIndex((f) => f.path === p);
  assert.equal(files[0].path, 'shop/cart.py');
  assert.ok(rank('tests/test_cart.py') === -1 || rank('tests/test_cart.py') > 0);
  assert.ok(rank('docs/cart.md') === -1 || rank('docs/cart.md') > 0);
});

test('RankedHit is a superset of SearchHit; every stage of the ablation answers', async () => {
  for (const stage of ['lexical', 'hybrid', 'fusion', 'rerank'] as const) {
    const r = createRetriever(idx, { stage });
    const hits: SearchHit[] = await r.search('send an http request with retries', 3);
    assert.ok(hits.length > 0, stage);
    assert.equal(hits[0].chunk.path, 'shop/http/client.ts', stage);
    assert.equal(typeof hits[0].score, 'number');
  }
});

test('editor context is a feature (zero in eval): the active file gets ctxActive', async () => {
  const r = createRetriever(idx, { explain: true });
  const res = await r.retrieve('table lookup', { k: 10, context: { activeFile: 'shop/pricing.py', recentEdits: ['shop/cart.py'] } });
  const f = res.candidates.files.find((c) => c.path === 'shop/pricing.py')!;
  assert.equal(f.features.ctxActive, 1);
  assert.ok(res.chunks[0].contributions, 'explain attaches contributions');
  const plain = await r.retrieve('table lookup', { k: 10 });
  assert.equal(plain.candidates.files.find((c) => c.path === 'shop/pricing.py')?.features.ctxActive ?? 0, 0);
});

test('the view follows the index: a new definition is found by name after updateFiles', async () => {
  const r = createRetriever(idx);
  await r.search('warm up', 1);
  writeFile(root, 'shop/refunds.py', 'def issue_refund_voucher(order, amount):\n    return {"order": order, "amount": amount}\n');
  await idx.indexer.updateFiles(['shop/refunds.py']);
  const hits = await r.search('`issue_refund_voucher`', 3);
  assert.equal(where(hits[0]), 'shop/refunds.py#issue_refund_voucher');
  assert.ok(r.view.files.has('shop/refunds.py'));
});

test('the context pack of the results respects its budget', async () => {
  const r = createRetriever(idx);
  const hits = await r.search('cart total discount', 10);
  const pack = r.contextPack(hits, 150);
  assert.ok(pack.tokens <= 150);
  assert.ok(pack.sections.length > 0);
});

test('a bare symbol puts the definitions it names first, whatever the fitted weights prefer', async () => {
  // Weights that rank a class below everything: a bare class name must still return the class first.
  const noClasses: RankWeights = { ...DEFAULT_WEIGHTS, chunk: { weights: { ...DEFAULT_WEIGHTS.chunk.weights, isClass: -50 } } };
  const r = createRetriever(idx, { weights: noClasses });
  const cls = await r.retrieve('PriceTable', { k: 5 });
  assert.equal(cls.model, 'long');
  assert.equal(where(cls.chunks[0]), 'shop/pricing.py#PriceTable');
  assert.equal(cls.chunks[0].reasons[0], 'defines the symbol');
  assert.ok(cls.chunks.slice(1).every((h) => h.chunk.qualifiedName !== 'PriceTable' && !h.reasons.includes('defines the symbol')));
  // The same model without the rule (a sentence naming the class and its file is no bare symbol, and it is
  // ranked by the long model too) does not put the class first: the order above is the rule's.
  const sentence = await r.retrieve('PriceTable in shop/pricing.py', { k: 50 });
  assert.equal(sentence.model, 'long');
  const at = sentence.chunks.findIndex((h) => where(h) === 'shop/pricing.py#PriceTable');
  assert.ok(at !== 0, `without the rule the class is not first (at ${at})`);
  // A dotted symbol names one method; `name()` is the same symbol.
  assert.equal(where((await r.retrieve('QuerySet.filter', { k: 3 })).chunks[0]), 'shop/db/models.py#QuerySet.filter');
  assert.equal(where((await r.retrieve('compute_tax()', { k: 3 })).chunks[0]), 'shop/pricing.py#compute_tax');
  // A Python module path before the name: the class in that module, not a method, not a namesake elsewhere.
  const dotted = await r.retrieve('shop.pricing.PriceTable', { k: 5 });
  assert.equal(where(dotted.chunks[0]), 'shop/pricing.py#PriceTable');
  assert.equal(dotted.chunks[0].reasons[0], 'defines the symbol');
  assert.ok(!(await r.retrieve('shop.cart.PriceTable', { k: 5 })).chunks.some((h) => h.reasons.includes('defines the symbol')), 'another module defines no PriceTable');
});

test('a short sentence naming `Owner.member` puts that definition first; the same name as a doc-comment cross-reference does not', async () => {
  // A short model that distrusts named definitions, as one fitted on masked docstrings does.
  const short = modelsFor(DEFAULT_WEIGHTS, 'short');
  const distrust = { ...short.chunk, weights: { ...short.chunk.weights, nameExact: -5, nameQual: -5, nameSpec: -5 } };
  const r = createRetriever(idx, { weights: { ...DEFAULT_WEIGHTS, short: { file: short.file, chunk: distrust } } });
  const named = await r.retrieve('QuerySet.bulk_create drops the objects past the batch size', { k: 5 });
  assert.equal(named.model, 'short');
  assert.equal(where(named.chunks[0]), 'shop/db/models.py#QuerySet.bulk_create');
  assert.equal(named.chunks[0].reasons[0], 'defines the symbol');
  assert.ok(named.chunks.slice(1).every((h) => !h.reasons.includes('defines the symbol')));
  // In Sphinx, JSDoc or Go doc-link markup the name is a reference to another symbol: no rule, and no name match.
  for (const q of ['Like :meth:`QuerySet.bulk_create` but drops the objects past the batch size', 'Like {@link QuerySet.bulk_create} but drops the objects past the batch size', 'Like [QuerySet.bulk_create] but drops the objects past the batch size']) {
    const ref = await r.retrieve(q, { k: 10 });
    assert.equal(ref.model, 'short', q);
    assert.ok(ref.chunks.every((h) => !h.reasons.includes('defines the symbol')), q);
    assert.equal(ref.signals.symbols.size, 0, `${q}: the reference names no definition`);
  }
});

test('each query class is ranked by its own fitted model: long, short, question (falling back to short)', async () => {
  const traceback = 'Traceback (most recent call last):\n  File "shop/pricing.py", line 8, in compute_tax\nKeyError: 1';
  const classOf = async (r: ReturnType<typeof createRetriever>, q: string) => (await r.retrieve(q, { k: 3 })).model;
  // This question model scores by name words and test files only, so a question's scores can be checked exactly.
  const base = DEFAULT_WEIGHTS;
  const question = { file: base.short!.file, chunk: { weights: { nameParts: 5, isTest: -5 } } };
  const withQ: RankWeights = { ...base, question };
  const r = createRetriever(idx, { weights: withQ, explain: true });
  assert.equal(await classOf(r, traceback), 'long');
  assert.equal(await classOf(r, 'compute the tax for a region'), 'short');
  assert.equal(await classOf(r, 'where is the tax computed?'), 'question');
  // A short sentence quoting code is still a short query; a bare symbol, a path or a frame goes to the long model.
  assert.equal(await classOf(r, '`compute_tax` ignores the region'), 'short');
  assert.equal(await classOf(r, 'why does `compute_tax` ignore the region?'), 'question');
  assert.equal(await classOf(r, 'compute_tax'), 'long');
  assert.equal(await classOf(r, 'rounding in shop/pricing.py'), 'long');
  const hits = (await r.retrieve('where is the tax computed?', { k: 5 })).chunks;
  assert.ok(hits.length > 0);
  for (const h of hits) assert.ok(Math.abs(h.score - (5 * h.features!.nameParts - 5 * h.features!.isTest)) < 1e-9, where(h));
  const short = (await r.retrieve('compute the tax for a region', { k: 5 })).chunks;
  assert.ok(short.some((h) => Math.abs(h.score - (5 * h.features!.nameParts - 5 * h.features!.isTest)) > 1e-6), 'the short model is another');
  assert.equal(modelsFor(withQ, 'question'), question);
  const { question: _q, ...withoutQ } = withQ;
  assert.equal(modelsFor(withoutQ, 'question'), base.short, 'without a question model, questions use the short one');
  assert.deepEqual(modelsFor(withoutQ, 'long'), { file: base.file, chunk: base.chunk });
});

test('a Node stack trace through compiled JavaScript names the TypeScript source, and its compiled lines are not used', async () => {
  const r = createRetriever(idx);
  const fileOf = (res: Awaited<ReturnType<typeof r.retrieve>>, p: string) => res.candidates.files.find((f) => f.path === p)?.features;
  const chunkOf = (res: Awaited<ReturnType<typeof r.retrieve>>, name: string) => {
    const c = res.candidates.chunks.find((x) => x.chunk.path === 'shop/http/client.ts' && x.chunk.qualifiedName === name);
    assert.ok(c, `${name} is a candidate`);
    return recordOf(CHUNK_FEATURES, c.features);
  };
  // client.js is not in the workspace (a build output): the frame names shop/http/client.ts. Line 16 of the
  // compiled file is not line 16 of the source (there, fetchWithTimeout's body), so no chunk gets that line.
  const compiled = await r.retrieve('Error: request failed\n    at sendRequest (/srv/shop/dist/shop/http/client.js:16:11)\n    at async main (/srv/shop/dist/main.js:3:3)', { k: 5 });
  assert.equal(compiled.files[0].path, 'shop/http/client.ts');
  assert.equal(fileOf(compiled, 'shop/http/client.ts')?.frameLast, 1);
  assert.equal(chunkOf(compiled, 'sendRequest').frameFunc, 1);
  assert.equal(chunkOf(compiled, 'fetchWithTimeout').lineHit, 0);
  // Run from the TypeScript itself (ts-node, tsx), the same frame's line is a line of the source.
  const source = await r.retrieve('Error: request failed\n    at fetchWithTimeout (/srv/shop/shop/http/client.ts:16:11)', { k: 5 });
  assert.equal(chunkOf(source, 'fetchWithTimeout').lineHit, 1);
  // A JS frame names a method by its qualified name (`at ConnectionPool.acquire`).
  writeFile(root, 'shop/http/pool.ts', 'export class ConnectionPool {\n  acquire(): number {\n    return 1;\n  }\n\n  release(): void {}\n}\n');
  await idx.indexer.updateFiles(['shop/http/pool.ts']);
  const method = await r.retrieve('TypeError: x is not a function\n    at ConnectionPool.acquire (/srv/shop/dist/shop/http/pool.js:3:12)', { k: 5 });
  const member = (name: string) => method.candidates.chunks.find((x) => x.chunk.qualifiedName === name);
  assert.equal(method.files[0].path, 'shop/http/pool.ts');
  assert.equal(recordOf(CHUNK_FEATURES, member('ConnectionPool.acquire')!.features).frameFunc, 1);
  assert.equal(recordOf(CHUNK_FEATURES, member('ConnectionPool.release')!.features).frameFunc, 0);
});

test('a Java stack trace names its file by package (of two Cart.java) and the method that threw', async () => {
  const cart = (pkg: string) => `package com.example.${pkg};\n\npublic class Cart {\n  private int[] items = new int[0];\n\n  public int total() {\n    int sum = 0;\n    for (int i : items) sum += i;\n    return sum;\n  }\n\n  public void clear() {\n    items = new int[0];\n  }\n}\n`;
  writeFile(root, 'src/main/java/com/example/shop/Cart.java', cart('shop'));
  writeFile(root, 'src/main/java/com/example/billing/Cart.java', cart('billing'));
  await idx.indexer.updateFiles(['src/main/java/com/example/shop/Cart.java', 'src/main/java/com/example/billing/Cart.java']);
  const res = await createRetriever(idx).retrieve('Exception in thread "main" java.lang.NullPointerException\n\tat com.example.shop.Cart.total(Cart.java:8)\n\tat com.example.shop.Main.main(Main.java:3)', { k: 5 });
  assert.equal(res.model, 'long');
  assert.equal(res.files[0].path, 'src/main/java/com/example/shop/Cart.java');
  const f = (path: string) => res.candidates.files.find((c) => c.path === path)?.features;
  assert.equal(f('src/main/java/com/example/shop/Cart.java')?.frameLast, 1);
  assert.ok(!f('src/main/java/com/example/billing/Cart.java')?.frame, 'the namesake in another package is not in the trace');
  assert.equal(where(res.chunks[0]), 'src/main/java/com/example/shop/Cart.java#Cart.total');
  const total = res.candidates.chunks.find((c) => where({ chunk: c.chunk } as RankedHit) === 'src/main/java/com/example/shop/Cart.java#Cart.total');
  const feats = recordOf(CHUNK_FEATURES, total!.features);
  assert.equal(feats.frameFunc, 1);
  assert.equal(feats.lineHit, 1);
});

test('Rust unit tests in the source file (`mod tests`) are tests: the definition outranks the tests that repeat its words', async () => {
  const src = [
    'pub struct Printer { max_columns: Option<u64> }',
    '',
    'impl Printer {',
    '    pub fn max_columns(&mut self, limit: Option<u64>) -> &mut Printer {',
    '        self.max_columns = limit;',
    '        self',
    '    }',
    '}',
    '',
    '#[cfg(test)]',
    'mod tests {',
    '    use super::*;',
    '',
    '    #[test]',
    '    fn max_columns_multi_line() {',
    '        let mut p = Printer { max_columns: None };',
    '        p.max_columns(Some(4));',
    '        assert_eq!(p.max_columns, Some(4));',
    '    }',
    '}',
    '',
  ].join('\n');
  writeFile(root, 'crates/printer/src/standard.rs', src);
  await idx.indexer.updateFiles(['crates/printer/src/standard.rs']);
  const res = await createRetriever(idx).retrieve('Set the maximum number of columns allowed for each line printed.', { k: 5 });
  const at = (q: string) => res.candidates.chunks.find((c) => c.chunk.path === 'crates/printer/src/standard.rs' && c.chunk.qualifiedName === q)!;
  assert.equal(recordOf(CHUNK_FEATURES, at('tests.max_columns_multi_line').features).isTest, 1);
  assert.equal(recordOf(CHUNK_FEATURES, at('Printer.max_columns').features).isTest, 0);
  const rank = (q: string) => res.chunks.findIndex((h) => h.chunk.path === 'crates/printer/src/standard.rs' && h.chunk.qualifiedName === q);
  assert.ok(rank('Printer.max_columns') >= 0);
  const t = rank('tests.max_columns_multi_line');
  assert.ok(t === -1 || t > rank('Printer.max_columns'), `test at ${t}, definition at ${rank('Printer.max_columns')}`);
});

test('spreadSiblings: past the third same-named chunk of one file the rest wait; exempt ones and other files do not', () => {
  const mk = (path: string, name: string, def = 0) => ({ chunk: { path, name } as Chunk, def });
  const ranked = [
    ...Array.from({ length: 5 }, () => mk('defs.rs', 'name_long')), // five impls of one trait method
    mk('parse.rs', 'find_long'),
    mk('other.rs', 'name_long'),
    mk('defs.rs', 'name_short'),
  ];
  const names = (xs: { chunk: Chunk }[]) => xs.map((x) => `${x.chunk.path}#${x.chunk.name}`);
  assert.deepEqual(names(spreadSiblings(ranked, 6)), [
    'defs.rs#name_long', 'defs.rs#name_long', 'defs.rs#name_long', 'parse.rs#find_long', 'other.rs#name_long', 'defs.rs#name_short',
  ]);
  // With room for all, the held-back ones come last, in their order.
  assert.equal(spreadSiblings(ranked, 20).length, ranked.length);
  assert.deepEqual(names(spreadSiblings(ranked, 20)).slice(-2), ['defs.rs#name_long', 'defs.rs#name_long']);
  // Definitions the query names (exempt) are all kept in place.
  const defs = ['A', 'B', 'C', 'D'].map(() => mk('defs.rs', 'name_long', 1));
  assert.equal(spreadSiblings([...defs, mk('parse.rs', 'find_long')], 4, (x) => x.def === 1).every((x) => x.def === 1), true);
  assert.equal(spreadSiblings([...defs, mk('parse.rs', 'find_long')], 4).some((x) => x.def === 0), true);
});

test('a trait implemented many times in one file does not fill the results: three of its namesakes, then the rest', async () => {
  const impls = Array.from({ length: 12 }, (_, i) => `struct Flag${i};\n\nimpl Flag for Flag${i} {\n    fn name_long(&self) -> &'static str {\n        "flag-${i}"\n    }\n}\n`).join('\n');
  writeFile(root, 'crates/flags/defs.rs', `pub trait Flag {\n    fn name_long(&self) -> &'static str;\n}\n\n${impls}`);
  await idx.indexer.updateFiles(['crates/flags/defs.rs']);
  const res = await createRetriever(idx).retrieve('the long name of a flag', { k: 10 });
  assert.equal(res.model, 'short');
  const namesakes = res.chunks.filter((h) => h.chunk.path === 'crates/flags/defs.rs' && h.chunk.name === 'name_long');
  assert.equal(namesakes.length, 3, res.chunks.map(where).join('\n'));
  // A query that names the method, or an issue, asks for every namesake: none held back.
  for (const q of ['where is name_long implemented?', 'name_long', 'Flag names\n\nEvery flag has a long name and the long name of a flag is printed in the help. '.repeat(8)]) {
    const all = await createRetriever(idx).retrieve(q, { k: 10 });
    assert.ok(all.chunks.filter((h) => h.chunk.name === 'name_long').length > 3, `${all.model}: ${q.slice(0, 40)}\n${all.chunks.map(where).join('\n')}`);
  }
});

test('a chunk model with trees ranks by linear score plus trees, and its reasons name what the trees split on', async () => {
  // No linear weights: one tree scores 2 for a chunk whose name shares a word with the query, else 0.
  const chunk = { weights: {}, trees: { features: ['nameParts'], trees: [{ f: [0, -1, -1], t: [0, 0, 0], l: [1, -1, -1], r: [2, -1, -1], v: [0.5, 0, 2] }] } };
  const w: RankWeights = { version: 1, file: DEFAULT_WEIGHTS.short!.file, chunk, short: { file: DEFAULT_WEIGHTS.short!.file, chunk }, question: { file: DEFAULT_WEIGHTS.short!.file, chunk } };
  const hits = (await createRetriever(idx, { weights: w, explain: true }).retrieve('compute the tax for a region', { k: 10 })).chunks;
  assert.ok(hits.some((h) => h.features!.nameParts > 0) && hits.some((h) => h.features!.nameParts === 0), 'both kinds of chunk are in the results');
  for (const h of hits) assert.equal(h.score, h.features!.nameParts > 0 ? 2 : 0, where(h));
  const first = hits.findIndex((h) => h.features!.nameParts === 0);
  assert.ok(hits.slice(first).every((h) => h.features!.nameParts === 0), 'every chunk the tree favours comes first');
  assert.deepEqual(hits[0].reasons, ['name words match']);
  assert.equal(hits[0].contributions!.nameParts, 1.5, 'the split is credited with the change from the root (0.5) to the leaf (2)');
});
