import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { firstNonEmptyLine, isCodeShaped, isQuestionText, issueTitle, parseQuery, visibleQueryText } from '../../../src/core/search/query';

const names = (q: ReturnType<typeof parseQuery>) => q.identifiers.map((i) => i.name);

test('Python tracebacks: frames with path, line and function; site-packages prefixes dropped', () => {
  const q = parseQuery(`Traceback (most recent call last):
  File "/home/u/venv/lib/python3.9/site-packages/django/db/models/query.py", line 512, in bulk_create
    objs = list(objs)
  File "django/db/models/base.py", line 30, in save
ValueError: invalid literal for int() with base 10: 'x'`);
  assert.equal(q.kind, 'trace');
  assert.deepEqual(q.frames.map((f) => [f.path, f.line, f.func]), [
    ['django/db/models/query.py', 512, 'bulk_create'],
    ['django/db/models/base.py', 30, 'save'],
  ]);
  assert.ok(q.paths.some((p) => p.path === 'django/db/models/query.py' && p.line === 512));
  assert.ok(q.errors.includes('ValueError'));
  assert.ok(q.errors.some((e) => e.startsWith('ValueError: invalid literal')));
  assert.ok(names(q).includes('bulk_create'));
  assert.ok(!q.text.includes('site-packages'));
});

test('JS stack traces: `at fn (file:line:col)` and bare `at file:line:col`', () => {
  const q = parseQuery(`TypeError: Cannot read properties of undefined (reading 'id')
    at Router.handle (/app/node_modules/express/lib/router/index.js:284:7)
    at parseConfig (src/config.ts:12:5)
    at src/main.ts:3:1`);
  assert.equal(q.kind, 'trace');
  const frames = q.frames.map((f) => [f.path, f.line, f.func]);
  assert.deepEqual(frames, [
    ['express/lib/router/index.js', 284, 'Router.handle'],
    ['src/config.ts', 12, 'parseConfig'],
    ['src/main.ts', 3, undefined],
  ]);
  assert.ok(names(q).includes('parseConfig'));
  assert.ok(names(q).includes('handle'));
  assert.ok(q.errors.includes('TypeError'));
});

test('stack traces of other runtimes: Java, C#, Go, Rust, Ruby, PHP give frames (innermost first) with a Class.method', () => {
  const frames = (text: string) => {
    const q = parseQuery(text);
    assert.equal(q.kind, 'trace', text);
    return q.frames.map((f) => [f.path, f.line, f.func]);
  };
  const java = parseQuery('Exception in thread "main" java.lang.NullPointerException\n\tat com.example.shop.Cart.total(Cart.java:42)\n\tat com.example.shop.Cart$Line.<init>(Cart.java:9)\n\tat java.base/java.lang.Thread.run(Thread.java)');
  assert.deepEqual(java.frames.map((f) => [f.path, f.line, f.func]), [
    ['com/example/shop/Cart.java', 42, 'Cart.total'],
    ['com/example/shop/Cart.java', 9, 'Cart.Line'],
  ]);
  // The bare Cart.java inside the frames is their file, not another mention; a frame without a line is a plain path.
  assert.deepEqual(java.paths.map((p) => p.path), ['com/example/shop/Cart.java', 'Thread.java']);
  assert.ok(names(java).includes('total'));
  assert.deepEqual(frames('System.NullReferenceException: Object reference not set\n   at Shop.Cart.Total() in C:\\src\\Shop\\Cart.cs:line 42\n   at Shop.Program.Main(String[] args) in C:\\src\\Shop\\Program.cs:line 10'), [
    ['C:/src/Shop/Cart.cs', 42, 'Cart.Total'],
    ['C:/src/Shop/Program.cs', 10, 'Program.Main'],
  ]);
  assert.deepEqual(frames('panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\ngithub.com/acme/shop/http.(*Server).handle(0xc000010000)\n\t/home/me/shop/http/server.go:42 +0x1d\nmain.main()\n\t/home/me/shop/cmd/main.go:17 +0x25'), [
    ['/home/me/shop/http/server.go', 42, 'Server.handle'],
    ['/home/me/shop/cmd/main.go', 17, 'main'],
  ]);
  assert.deepEqual(frames("thread 'main' panicked at src/lexer.rs:120:9:\nstack backtrace:\n   3: shop::lexer::Lexer::next_token\n             at ./src/lexer.rs:120:9\n   4: shop::main\n             at ./src/main.rs:5:3"), [
    ['src/lexer.rs', 120, 'Lexer.next_token'],
    ['src/main.rs', 5, 'main'],
  ]);
  assert.deepEqual(frames("NoMethodError: undefined method 'total' for nil\n  app/models/cart.rb:10:in `block in checkout'\n  app/models/cart.rb:4:in 'Cart#save'\n  bin/run.rb:1:in '<main>'"), [
    ['app/models/cart.rb', 10, 'checkout'],
    ['app/models/cart.rb', 4, 'Cart.save'],
    ['bin/run.rb', 1, undefined],
  ]);
  assert.deepEqual(frames('PHP Fatal error:  Uncaught Error: Call to undefined method Cart::total() in /var/www/src/Cart.php:42\nStack trace:\n#0 /var/www/src/Checkout.php(17): Cart->checkout()'), [
    ['/var/www/src/Cart.php', 42, undefined],
    ['/var/www/src/Checkout.php', 17, undefined],
  ]);
});

// Not a benchmark, a guard with a 1000× margin: before each pattern started only at a token's start and bounded what
// repeats, a 40 KB token took ~7 s to parse (a pasted 360 KB minified line 143 s); now each input below takes ms.
// The test yields after each parse, so the timeout fails a regression there instead of after minutes of the rest.
test('hostile input parses in linear time with sane results: minified code, long chains, huge tokens, blank lines, unclosed comments', { timeout: 3_000 }, async () => {
  const long = 'x'.repeat(40_000);
  assert.deepEqual(parseQuery(long).paths, []);
  await tick();
  assert.deepEqual(parseQuery(`${long}.rb`).paths.map((p) => p.path.length), [40_003]);
  await tick();
  assert.deepEqual(parseQuery(`${long}.py in f(`).frames.map((f) => [f.path.length, f.func]), [[40_003, 'f']]);
  await tick();
  assert.deepEqual(parseQuery(`at A.B() in ${long}`).frames, []);
  await tick();
  assert.deepEqual(parseQuery(`at ${'a.'.repeat(20_000)}b`).dotted, [], 'a chain of 20,001 names is no module path');
  await tick();
  const unclosed = `${'<!--'.repeat(60_000)} text`;
  assert.equal(visibleQueryText(unclosed), unclosed, 'an unclosed comment is shown as written');
  assert.equal(visibleQueryText(`a<!-- hidden -->b${unclosed}`), `a b${unclosed}`);
  await tick();
  const minified = parseQuery('var a=' + Array.from({ length: 20_000 }, (_, i) => `x${i}.f${i}(a,b)`).join(';'));
  assert.ok(names(minified).includes('f19999'));
  assert.equal(minified.frames.length, 0);
  await tick();
  // No space at all (a Go frame's function line was tried from every `.`), 60,000 blank lines (an error line's
  // leading `\s*` ran over all of them from each), a 40,000-segment path (site-packages stripping), `at a.b.c(` chains.
  assert.equal(parseQuery(`${Array.from({ length: 20_000 }, (_, i) => `x${i}.f${i}(a,b)`).join(';')})\n`).frames.length, 0);
  await tick();
  assert.deepEqual(parseQuery(`${'\n'.repeat(60_000)}x`).errors, []);
  await tick();
  const segments = '/a'.repeat(40_000);
  assert.equal(parseQuery(segments).text, segments);
  await tick();
  assert.deepEqual(parseQuery('at a.a.a.a.a.a.a('.repeat(20_000)).frames, []);
  // The same patterns still find paths inside tokens that start with something else.
  assert.deepEqual(parseQuery('see (src/a.py:3) and "lib/b.ts"').paths.map((p) => [p.path, p.line]), [['src/a.py', 3], ['lib/b.ts', undefined]]);
});

test('paths and file:line mentions', () => {
  const q = parseQuery('The bug is in src/core/index/lexical.ts:120 and also ./lib/util.py, see README.md');
  const byPath = new Map(q.paths.map((p) => [p.path, p.line]));
  assert.equal(byPath.get('src/core/index/lexical.ts'), 120);
  assert.ok(byPath.has('lib/util.py'));
  assert.ok(!q.paths.some((p) => p.path.startsWith('http')));
});

test('links to a file in a code host are path mentions, with the linked line', () => {
  const q = parseQuery(
    'Broken since https://github.com/o/r/blob/3f2a9c1/src/pkg/mod.py#L42-L50 (and https://gitlab.com/g/p/-/blob/v1/lib/x.ts?plain=1#L7); ' +
      'compare https://bitbucket.org/a/b/src/abc123/pkg/a%20b.go#lines-3, https://github.com/django/django/blob/stable/2.2.x/django/db/models/query.py#L1197, ' +
      'https://gitlab.com/grp/sub/proj/-/blob/main/app/models/user.rb#L5. ' +
      'Not files: https://github.com/o/r/tree/main/src, https://github.com/o/r/blob/main/docs/logo.png, https://example.com/a/b.py',
  );
  assert.deepEqual(q.paths, [
    { path: 'src/pkg/mod.py', line: 42, linked: true },
    { path: 'lib/x.ts', line: 7, linked: true },
    { path: 'pkg/a b.go', line: 3, linked: true },
    { path: '2.2.x/django/db/models/query.py', line: 1197, linked: true },
    { path: 'app/models/user.rb', line: 5, linked: true },
  ]);
});

test('a path both linked and written out is a plain mention, whichever comes first', () => {
  const linkFirst = parseQuery('See https://github.com/o/r/blob/main/lib/x.py#L3: lib/x.py breaks');
  assert.deepEqual(linkFirst.paths, [{ path: 'lib/x.py', line: 3 }]);
  const textFirst = parseQuery('lib/x.py breaks, see https://github.com/o/r/blob/main/lib/x.py#L3');
  assert.deepEqual(textFirst.paths, [{ path: 'lib/x.py', line: 3 }]);
  assert.deepEqual(parseQuery('see https://github.com/o/r/blob/main/lib/x.py').paths, [{ path: 'lib/x.py', line: undefined, linked: true }]);
});

test('an issue title is the first non-empty line when more text follows and it is title-sized', () => {
  assert.equal(issueTitle('\n  Session data cannot be decoded  \nDescription\n\tIn 3.1 we changed the format.'), 'Session data cannot be decoded');
  assert.equal(issueTitle('Session data cannot be decoded'), undefined, 'one line: the whole query, no title');
  assert.equal(issueTitle('Session data cannot be decoded\n   \n'), undefined, 'only blank lines follow');
  assert.equal(issueTitle(`${'x'.repeat(300)}\nmore`), undefined, 'longer than a GitHub title can be');
  assert.equal(firstNonEmptyLine('\n\n  a b  \nc'), 'a b');
  // A pasted stack trace, console session or code block has no title; a line that introduces one does.
  const trace = 'Traceback (most recent call last):\n  File "shop/pricing.py", line 8, in compute_tax\nKeyError: 1';
  assert.equal(issueTitle(trace), undefined);
  assert.equal(issueTitle('  File "shop/pricing.py", line 8, in compute_tax\nKeyError: 1'), undefined);
  assert.equal(issueTitle('    at parseConfig (src/config.ts:12:5)\n    at main (src/main.ts:3:1)'), undefined);
  assert.equal(issueTitle('>>> Cart().total({})\n0'), undefined);
  assert.equal(issueTitle('```python\nCart().total({})\n```'), undefined);
  assert.equal(issueTitle('----\nmore'), undefined, 'no words');
  assert.equal(issueTitle(`KeyError when the region is missing\n${trace}`), 'KeyError when the region is missing');
});

test('dotted modules and qualified names, backticked code, identifiers', () => {
  const q = parseQuery('Calling `QuerySet.bulk_create()` from django.db.models.query.QuerySet with update_fields crashes; e.g. see getHTTPResponse');
  assert.ok(q.dotted.includes('django.db.models.query.QuerySet'));
  assert.ok(q.dotted.includes('QuerySet.bulk_create'));
  assert.ok(q.code.includes('QuerySet.bulk_create()'));
  const strong = q.identifiers.filter((i) => i.strength === 3).map((i) => i.name);
  assert.ok(strong.includes('bulk_create'));
  assert.ok(strong.includes('QuerySet'));
  assert.ok(names(q).includes('update_fields'));
  assert.ok(names(q).includes('getHTTPResponse'));
  assert.ok(!q.dotted.some((d) => d.startsWith('e.g')));
});

test('query kinds: words, symbol, issue', () => {
  assert.equal(parseQuery('where do we parse the config file').kind, 'words');
  assert.equal(parseQuery('parseConfig').kind, 'symbol');
  assert.equal(parseQuery('Parser.parse').kind, 'symbol');
  assert.ok(parseQuery('Parser.parse').identifiers.some((i) => i.name === 'parse' && i.strength === 3));
  assert.equal(parseQuery('A long issue.\n\nIt has several lines.\nAnd more.\nAnd more text here.').kind, 'issue');
  assert.ok(isCodeShaped('snake_case') && isCodeShaped('camelCase') && isCodeShaped('__eq__'));
  assert.ok(!isCodeShaped('hello') && !isCodeShaped('Hello'));
});

test('questions: a wh-word first or a question mark last', () => {
  for (const q of ['where is the session saved?', 'How does routing work', 'what happens on a 404', 'the cache is flushed when?'])
    assert.ok(isQuestionText(q), q);
  for (const q of ['Writes a definition list into the buffer.', 'parse config file', 'Session data cannot be decoded', 'however the cache'])
    assert.ok(!isQuestionText(q), q);
});

test('visible text: HTML comments (issue-template instructions) dropped, an unclosed one kept', () => {
  const issue = '<!-- This comments are hidden when you submit the issue -->\n### Description\n`Quantity.to` fails <!-- inline -->here';
  assert.equal(visibleQueryText(issue), ' \n### Description\n`Quantity.to` fails  here');
  assert.ok(!parseQuery(visibleQueryText(issue)).words.includes('hidden'));
  assert.ok(parseQuery(issue).words.includes('hidden'));
  assert.equal(visibleQueryText('a <!-- never closed'), 'a <!-- never closed');
  assert.equal(visibleQueryText('plain words'), 'plain words');
});
