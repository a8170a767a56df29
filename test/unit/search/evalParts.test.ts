import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bm25Index } from '../../../src/core/search/bm25';
import { firstPositions, summarize } from '../../../src/core/search/eval/metrics';
import { blankDocComment, issueTitles, parseEvalSet, spanId, spanMatches } from '../../../src/core/search/eval/sets';
import { windows } from '../../../src/core/search/eval/baselines';
import { isTestPath, isTestScope, pythonModule } from '../../../src/core/search/repoView';
import { firstSentence, maskName } from '../../../bench/docstringSet';

test('BM25: rare terms weigh more, documents can be replaced and removed, planning keeps selective terms', () => {
  const b = new Bm25Index();
  b.add('a', ['parse', 'config', 'file']);
  b.add('b', ['parse', 'json']);
  b.add('c', ['render', 'table', 'parse']);
  assert.deepEqual(b.search(b.plan(['parse', 'config']), 3).map((h) => h.key)[0], 'a');
  b.add('a', ['render']);
  assert.equal(b.search(b.plan(['config']), 3).length, 0);
  b.remove('c');
  assert.equal(b.size, 2);
  assert.deepEqual(b.plan(['json', 'parse', 'zzz'], { maxTerms: 1 }).map((t) => t.term), ['json']);
  // A zero-weight term adds nothing and never lists a document twice; the top k is cut at k, ties by key.
  const zero = b.search([{ term: 'parse', weight: 0 }, { term: 'json', weight: 1 }, { term: 'parse', weight: 1 }], 5);
  assert.deepEqual(zero.map((h) => h.key), ['b']);
  for (const key of ['e', 'd', 'f']) b.add(key, ['lexer', 'token']);
  assert.deepEqual(b.search([{ term: 'lexer', weight: 1 }], 2).map((h) => h.key), ['d', 'e']);
});

test('BM25: after random adds, replaces and removes, scores equal a from-scratch computation over the live documents', () => {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const vocab = Array.from({ length: 40 }, (_, i) => `t${i}`);
  const b = new Bm25Index();
  const live = new Map<string, string[]>();
  for (let step = 0; step < 600; step++) {
    const key = `d${Math.floor(rand() * 60)}`;
    if (rand() < 0.3) {
      b.remove(key); // freed ids are reused by later adds, out of order
      live.delete(key);
    } else {
      const toks = Array.from({ length: 1 + Math.floor(rand() * 12) }, () => vocab[Math.floor(rand() ** 2 * vocab.length)]);
      b.add(key, toks);
      live.set(key, toks);
    }
  }
  assert.equal(b.size, live.size);
  const n = live.size;
  const avg = [...live.values()].reduce((s, t) => s + t.length, 0) / n;
  for (const q of [['t0'], ['t3', 't17'], ['t39', 't1', 't2'], vocab]) {
    const want = new Map<string, number>();
    for (const term of q) {
      const df = [...live.values()].filter((t) => t.includes(term)).length;
      assert.equal(b.df(term), df);
      if (!df) continue;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (const [key, toks] of live) {
        const tf = toks.filter((t) => t === term).length;
        if (tf) want.set(key, (want.get(key) ?? 0) + (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * toks.length) / avg)));
      }
    }
    const got = b.search(q.map((term) => ({ term, weight: 1 })), 1000);
    assert.equal(got.length, want.size);
    for (const h of got) assert.ok(Math.abs(h.score - want.get(h.key)!) < 1e-9, `${h.key}: ${h.score} vs ${want.get(h.key)}`);
  }
});

test('metrics: Acc@k needs every gold item, Hit@k one, MRR the first, nDCG@10 discounted gains', () => {
  const o1 = firstPositions([['x'], [], ['y']], ['x', 'y']);
  assert.deepEqual(o1.firstPos, [1, 3]);
  const o2 = firstPositions([[], ['z']], ['z']);
  const s = summarize([o1, o2]);
  assert.equal(s.acc[1], 0);
  assert.equal(s.hit[1], 0.5);
  assert.equal(s.acc[3], 1);
  assert.equal(s.mrr, (1 + 0.5) / 2);
  assert.ok(s.ndcg10 > 0.6 && s.ndcg10 < 1);
  assert.deepEqual(firstPositions([], ['q']).firstPos, [Infinity]);
});

test('eval sets: both formats are detected by their fields; spans match qualified-name suffixes', () => {
  const items = parseEvalSet([
    JSON.stringify({ instance_id: 'i1', repo: 'o/r', base_commit: 'abc', problem_statement: 'p', gold_files: ['a.py'], gold_spans: { 'a.py': ['K.m'] } }),
    JSON.stringify({ repo: 'o/s', commit: 'def', query: 'q', gold_path: 'b.go', gold_symbol: 'T.Run', start_line: 3, end_line: 9 }),
  ].join('\n'));
  assert.deepEqual(items.map((i) => i.set), ['swebench', 'docstring']);
  const c = { path: 'a.py', qualifiedName: 'pkg.K.m', name: 'm', startLine: 1, endLine: 2 };
  assert.deepEqual(spanMatches(c, items[0].goldSpans), ['a.py#K.m']);
  assert.deepEqual(spanMatches({ ...c, qualifiedName: 'K.mm' }, items[0].goldSpans), []);
  assert.deepEqual(spanMatches({ path: 'b.go', qualifiedName: '(*T).Run', name: 'Run', startLine: 2, endLine: 4 }, items[1].goldSpans), ['b.go#T.Run']);
  assert.throws(() => parseEvalSet('{"x":1}'), /neither/);
  const [q] = parseEvalSet(JSON.stringify({ repo: 'o/t', commit: 'fed', query: 'where is it saved?', gold: ['a.py#K.save', 'a.py#dump', 'b.py#write'] }));
  assert.equal(q.set, 'questions');
  assert.deepEqual(q.goldFiles, ['a.py', 'b.py']);
  assert.deepEqual(q.goldSpans.map(spanId), ['a.py#K.save', 'a.py#dump', 'b.py#write']);
  assert.equal(parseEvalSet(JSON.stringify({ set: 'questions-natural', repo: 'o/t', commit: 'fed', query: 'q', gold: ['a.py#f'] }))[0].set, 'questions-natural');
  assert.equal(parseEvalSet(JSON.stringify({ set: 'swebench', repo: 'o/t', commit: 'fed', query: 'q', gold: ['a.py#f'] }))[0].set, 'questions');
  assert.deepEqual(spanMatches({ path: 'a.py', qualifiedName: 'pkg.K.save', name: 'save', startLine: 5, endLine: 9 }, q.goldSpans), ['a.py#K.save']);
});

test('doc-comment blanking keeps line numbers: Python docstrings, Go/TS comments above', () => {
  const py = ['class A:', '    def f(', '        self, x', '    ) -> int:', '        """Does f.', '', '        More."""', '        return x'];
  const out = blankDocComment(py, 2, 8, 'py');
  assert.equal(out.length, py.length);
  assert.deepEqual(out.slice(4, 7), ['', '', '']);
  assert.equal(out[7], '        return x');
  assert.deepEqual(blankDocComment(['def g():', "    'One line.'", '    pass'], 1, 3, 'py'), ['def g():', '', '    pass']);
  const go = ['package x', '', '// Run runs it.', '// More.', 'func Run() {', '}'];
  assert.deepEqual(blankDocComment(go, 5, 6, 'other'), ['package x', '', '', '', 'func Run() {', '}']);
  const ts = ['/**', ' * Compose things.', ' */', 'export const compose = () => {', '}'];
  assert.deepEqual(blankDocComment(ts, 4, 5, 'other'), ['', '', '', 'export const compose = () => {', '}']);
});

test('800-token windows overlap by about 120 tokens and cover every line', () => {
  const text = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(30)}`).join('\n');
  const ws = windows(text);
  assert.ok(ws.length > 3);
  assert.equal(ws[0].startLine, 1);
  assert.equal(ws[ws.length - 1].endLine, 400);
  for (let i = 1; i < ws.length; i++) assert.ok(ws[i].startLine <= ws[i - 1].endLine && ws[i].startLine > ws[i - 1].startLine);
});

test('file kinds and Python modules', () => {
  assert.ok(isTestPath('tests/test_x.py') && isTestPath('src/a_test.go') && isTestPath('src/x.spec.ts') && isTestPath('pkg/conftest.py'));
  assert.ok(!isTestPath('django/db/models/query.py'));
  // Each language's own convention (held-out repositories: leveldb, Newtonsoft.Json, gson, rack, guzzle, ripgrep).
  for (const p of ['db/skiplist_test.cc', 'util/env_unittest.cc', 'src/test_x.c', 'Src/Newtonsoft.Json.Tests/JsonTests.cs', 'Src/Foo.UnitTest/A.cs',
    'gson/src/main/java/CartTest.java', 'a/CartIT.java', 'a/TestCart.java', 'spec/rack/lint_spec.rb', 'lib/x_test.rb', 'src/ClientTest.php',
    'crates/x/src/tests.rs', 'runtime-tests/bun/index.ts', 'go/ssa/interp/testdata/boundmeth.go', 'encoding/varint_test.ts'])
    assert.ok(isTestPath(p), p);
  for (const p of ['src/contest.rs', 'src/latest.rs', 'doc/data/messages/u/using-constant-test/bad.py', 'src/_pytest/python.py', 'lib/Testament.java',
    'src/Contest.java', 'src/attestation.c', 'sklearn/utils/_testing.py'])
    assert.ok(!isTestPath(p), p);
  // Rust keeps unit tests in the source file, in `mod tests`.
  assert.ok(isTestScope('tests.column_number') && isTestScope('printer.tests.max_columns'));
  assert.ok(!isTestScope('StandardBuilder.max_columns') && !isTestScope('attests.x') && !isTestScope('tests'));
  assert.equal(pythonModule('django/db/models/query.py'), 'django.db.models.query');
  assert.equal(pythonModule('src/click/__init__.py'), 'click');
  assert.equal(pythonModule('a.ts'), undefined);
});

test('issue titles: SWE-bench items are queried by the issue’s first non-empty line; other items are kept', () => {
  const items = parseEvalSet(
    [
      JSON.stringify({ instance_id: 'a__b-1', repo: 'a/b', base_commit: 'c1', problem_statement: '\n  Header.fromstring does not accept bytes \nMore text\n', gold_files: ['x.py'] }),
      JSON.stringify({ repo: 'a/b', commit: 'c2', query: 'Parse it.', gold_path: 'y.py', gold_symbol: 'f', start_line: 1, end_line: 3 }),
    ].join('\n'),
  );
  const t = issueTitles(items);
  assert.equal(t[0].set, 'swebench-titles');
  assert.equal(t[0].query, 'Header.fromstring does not accept bytes');
  assert.deepEqual(t[0].goldFiles, ['x.py']);
  assert.deepEqual(t[1], items[1]);
});

test('held-out docstring sets: the first sentence without doc markup, the function’s own name masked as the shared set does', () => {
  assert.equal(firstSentence('<summary>\nCreates a <see cref="JValue"/> null value.\n</summary>\n<returns>A value.</returns>'), 'Creates a JValue null value.');
  assert.equal(firstSentence('Returns {@code true} if the {@link Reader} is lenient. More text.\n@param x the x'), 'Returns true if the Reader is lenient.');
  assert.equal(firstSentence('Look for a [flag](crate::Flag) by its long name\n\nDetails.'), 'Look for a flag by its long name');
  // Go's leading name is dropped; elsewhere the name becomes "this function"; matching is case-sensitive.
  assert.equal(maskName('GenFishCompletion generates fish completion file and writes to the writer.', 'GenFishCompletion'), 'generates fish completion file and writes to the writer.');
  assert.equal(maskName('Compose middleware functions into a single function based on `koa-compose` package.', 'compose'), 'Compose middleware functions into a single function based on `koa-this function` package.');
  assert.equal(maskName('`serveStatic()` is for advanced mode.', 'serveStatic'), '`this function()` is for advanced mode.');
  assert.equal(maskName('Add each glob from the file path given.', 'add'), 'Add each glob from the file path given.');
  assert.equal(maskName('Returns foo.', 'foo'), undefined, 'too little is left');
});
