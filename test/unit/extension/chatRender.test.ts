// The answer renderer (src/webview/render.ts), DOM-free: Markdown is rendered safely (no raw HTML, no event
// handlers, no javascript:/data: links, no images) and `[path:a-b]` citations become chips with the status class
// from the turn's verified citations. Plain Node: no vscode, no DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chipHtml, citationTitle, renderAnswer } from '../../../src/webview/render';
import { highlight } from '../../../src/webview/highlight';
import type { CitationView } from '../../../src/extension/protocol';

/** Attribute names of every start tag in `html` (values skipped, so escaped text inside them is not mistaken for one). */
function attributeNames(html: string): string[] {
  const names: string[] = [];
  for (const tag of html.matchAll(/<[a-z][a-z0-9]*((?:\s+[^\s=>"'/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*\/?>/gi)) {
    for (const a of tag[1].matchAll(/\s+([^\s=>"'/]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?/g)) names.push(a[1].toLowerCase());
  }
  return names;
}
const hasHandler = (html: string) => attributeNames(html).some((n) => n.startsWith('on'));

test('render: raw HTML is escaped, never emitted as tags', () => {
  const attacks = [
    '<script>alert(1)</script>',
    'hello <img src=x onerror=alert(1)> world',
    '<div onclick="steal()">click</div>',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload=alert(1)>',
    '<style>body{display:none}</style>',
    '```\n</code></pre><script>alert(1)</script>\n```',
    '`<script>x</script>`',
  ];
  for (const md of attacks) {
    const html = renderAnswer(md);
    assert.doesNotMatch(html, /<(script|img|iframe|svg|style)\b/i, `${md} → ${html}`);
    assert.ok(!hasHandler(html), `${md} → ${html}`);
    assert.doesNotMatch(html, /href="javascript:/i, `${md} → ${html}`);
  }
  assert.match(renderAnswer('<script>alert(1)</script>'), /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
});

test('render: only http(s) and mailto links survive; images are not rendered', () => {
  for (const url of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd', 'command:workbench.action.terminal.new']) {
    const html = renderAnswer(`[click me](${url})`);
    assert.doesNotMatch(html, /<a\b/i, `${url} → ${html}`);
  }
  const ok = renderAnswer('[docs](https://example.com/a?b=1) and <https://example.org>');
  assert.match(ok, /<a href="https:\/\/example\.com\/a\?b=1" rel="noopener noreferrer" class="external">docs<\/a>/);
  assert.doesNotMatch(renderAnswer('![logo](https://evil.example/track.png)'), /<img/i, 'images would be a network request');
});

test('render: citations become chips with the status class, mark and tooltip', () => {
  const citations: CitationView[] = [
    { path: 'src/cart.ts', startLine: 4, endLine: 9, status: 'verified', reason: 'seen' },
    { path: 'src/pricing.ts', startLine: 900, endLine: 910, status: 'out-of-range', reason: '"src/pricing.ts" has 40 lines; 900-910 is not a valid range' },
    { path: 'src/nope.ts', startLine: 1, endLine: 2, status: 'missing-file', reason: 'no such file' },
    { path: 'src/inventory.ts', startLine: 3, endLine: 3, status: 'not-seen', reason: '"src/inventory.ts" was not shown this turn' },
  ];
  const html = renderAnswer('Totals come from `Cart.total` [src/cart.ts:4-9], rounding [src/pricing.ts:900-910]; see [src/nope.ts:1-2] and [./src/inventory.ts:3].', citations);
  const chips = [...html.matchAll(/<button type="button" class="([^"]+)" data-path="([^"]+)" data-start="(\d+)" data-end="(\d+)" title="([^"]*)">([^<]+)(?:<span class="cite-mark"[^>]*>([^<]*)<\/span>)?<\/button>/g)];
  assert.equal(chips.length, 4, html);
  assert.deepEqual(chips.map((m) => [m[1], m[2], m[3], m[4], m[6], m[7]]), [
    ['cite cite-verified', 'src/cart.ts', '4', '9', 'src/cart.ts:4-9', '✓'],
    ['cite cite-out-of-range cite-unverified', 'src/pricing.ts', '900', '910', 'src/pricing.ts:900-910', '⚠'],
    ['cite cite-missing-file cite-unverified', 'src/nope.ts', '1', '2', 'src/nope.ts:1-2', '⚠'],
    ['cite cite-not-seen cite-unverified', 'src/inventory.ts', '3', '3', 'src/inventory.ts:3', '⚠'],
  ]);
  assert.match(chips[1][5], /^Not verified: the cited lines do not exist — &quot;src\/pricing\.ts&quot; has 40 lines/);
  assert.equal(chips[0][5], 'Verified: the model read these lines');
  assert.equal(citationTitle('verified', 'identifiers'), 'Verified: the named identifiers are in the cited lines');
});

test('render: while streaming (no statuses yet) chips are neutral; the same range cited twice takes statuses in order', () => {
  assert.match(renderAnswer('See [src/a.ts:1-2].'), /class="cite cite-pending"[^>]*title="Open the cited lines">src\/a\.ts:1-2<\/button>/);
  const twice = renderAnswer('`foo` [src/a.ts:1-2] and `bar` [src/a.ts:1-2]', [
    { path: 'src/a.ts', startLine: 1, endLine: 2, status: 'verified' },
    { path: 'src/a.ts', startLine: 1, endLine: 2, status: 'not-seen' },
  ]);
  assert.deepEqual([...twice.matchAll(/class="(cite [^"]+)"/g)].map((m) => m[1]), ['cite cite-verified', 'cite cite-not-seen cite-unverified']);
});

test('render: what is not a citation stays text (code blocks, indexing, links)', () => {
  const html = renderAnswer('```ts\nconst x = [src/a.ts:1-2];\n```\n\nIndexing `xs[a:3]` and xs[a:3] and [label](https://example.com) and [not a cite].');
  assert.doesNotMatch(html, /class="cite/, html);
  assert.match(html, /xs\[a:3\]/);
});

test('render: chip attributes are escaped', () => {
  const html = chipHtml({ path: 'a"b<c>.ts', startLine: 1, endLine: 2 }, 'missing-file', 'x" onmouseover="alert(1)');
  assert.match(html, /data-path="a&quot;b&lt;c&gt;\.ts"/);
  assert.deepEqual(attributeNames(html), ['type', 'class', 'data-path', 'data-start', 'data-end', 'title', 'class', 'aria-label']);
  const rendered = renderAnswer('[a"onmouseover=alert(1).ts:1]');
  assert.match(rendered, /class="cite cite-pending"/);
  assert.ok(!hasHandler(rendered), rendered);
});

test('render: code blocks are highlighted with token classes and escaped', () => {
  const html = renderAnswer('```typescript\nconst s = "<b>"; // note\nreturn 42;\n```');
  assert.match(html, /<pre><code class="language-typescript"><span class="tok-keyword">const<\/span> s = <span class="tok-string">&quot;&lt;b&gt;&quot;<\/span>; <span class="tok-comment">\/\/ note<\/span>/);
  assert.match(html, /<span class="tok-number">42<\/span>/);
  assert.match(highlight('# a comment\nx = "y"', 'python'), /^<span class="tok-comment"># a comment<\/span>\nx = <span class="tok-string">&quot;y&quot;<\/span>$/);
  assert.equal(highlight('<script>', 'html'), '&lt;script&gt;');
});
