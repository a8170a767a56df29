import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { groundedness, parseCitations, verifyCitations } from '../../../src/core/assistant/citations';
import { normaliseRelPath, PathError } from '../../../src/core/assistant/files';
import { globMatcher } from '../../../src/core/assistant/glob';
import { FenceHoldback, parsePromptToolCalls } from '../../../src/core/assistant/promptTools';
import { redactSecrets } from '../../../src/core/assistant/redact';
import { SeenLines } from '../../../src/core/assistant/seen';
import { makeWorkspace } from '../../helpers/workspace';

test('citations: parsed in the one form; code blocks and indexing are not citations', () => {
  const a = 'See [src/a.ts:4-9] and [lib/b.py:3]. Also [./c.ts:1-2].\n```\nxs[i:3]\n[src/in-code.ts:1]\n```\nand `arr[k:2]` or [text](http://x:80).';
  assert.deepEqual(parseCitations(a).map((c) => [c.path, c.startLine, c.endLine, c.raw]), [
    ['src/a.ts', 4, 9, '[src/a.ts:4-9]'],
    ['lib/b.py', 3, 3, '[lib/b.py:3]'],
    ['c.ts', 1, 2, '[./c.ts:1-2]'],
  ]);
});

test('citations: verification statuses and groundedness', async () => {
  const root = makeWorkspace({ 'a.ts': 'export function alpha() {\n  return beta();\n}\nfunction beta() { return 1; }\n', '.env': 'X=1\n' });
  const seen = new SeenLines();
  seen.add('a.ts', 1, 2);
  const answer = [
    '`alpha` calls beta [a.ts:1-2].', // seen
    'Ends [a.ts:2-3].', // line 3 not seen, no identifiers → not-seen
    '`beta` is defined here [a.ts:4].', // not seen but identifier in the lines → verified
    '`gamma` too [a.ts:4].', // identifier not in the lines → not-seen
    'Nope [a.ts:3-9].', // out of range
    'Nope [a.ts:0].', // out of range
    'Nope [b.ts:1].', // missing
    'Nope [.env:1].', // secret → missing-file
    'Nope [../x.ts:1].', // escape → missing-file
  ].join('\n');
  const cs = await verifyCitations(answer, { files: root, seen });
  assert.deepEqual(cs.map((c) => c.status), ['verified', 'not-seen', 'verified', 'not-seen', 'out-of-range', 'out-of-range', 'missing-file', 'missing-file', 'missing-file']);
  assert.equal(cs[2].reason, 'identifiers');
  assert.match(cs[7].reason!, /secrets file/);
  assert.equal(groundedness(cs), 2 / 9);
  assert.equal(groundedness([]), 0);
});

test('paths: unsafe inputs rejected before any read', () => {
  const kind = (p: unknown) => {
    try {
      normaliseRelPath(p);
      return 'ok';
    } catch (e) {
      return (e as PathError).kind;
    }
  };
  assert.equal(kind('src/a.ts'), 'ok');
  assert.equal(normaliseRelPath('./src//a.ts'), 'src/a.ts');
  assert.equal(kind('../a'), 'escape');
  assert.equal(kind('src\\..\\..\\a'), 'escape');
  assert.equal(kind('/etc/passwd'), 'absolute');
  assert.equal(kind('C:\\x'), 'absolute');
  assert.equal(kind('~/x'), 'absolute');
  assert.equal(kind('config/.env.local'), 'secret');
  assert.equal(kind('keys/id_rsa'), 'secret');
  assert.equal(kind(''), 'invalid');
  assert.equal(kind(42), 'invalid');
});

test('redaction: each kind, line structure kept, count reported', () => {
  const pk = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----';
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
  const text = [
    'const k = "sk-abcdefghijklmnopqrstuvwxyz012345";',
    'aws = AKIAIOSFODNN7EXAMPLE',
    'token: ghp_' + 'x'.repeat(36),
    'slack xoxb-1234567890-abcdefghij',
    'auth ' + jwt,
    pk,
    'url = "mysql://root:s3cr3tpw@localhost/db"',
    'password = "correct horse battery"',
    'db_password: \'hunter22\'',
    'password = ""', // empty: kept
    'password = "${DB_PASSWORD}"', // a placeholder: kept
    'const passwordHint = getHint();', // no literal: kept
  ].join('\n');
  const r = redactSecrets(text);
  assert.equal(r.text.split('\n').length, text.split('\n').length);
  for (const s of ['sk-abcdef', 'AKIAIOSFODNN7EXAMPLE', 'ghp_xxx', 'xoxb-123', jwt, 'MIIEow', 's3cr3tpw', 'correct horse', 'hunter22']) {
    assert.ok(!r.text.includes(s), `${s} redacted`);
  }
  assert.ok(r.text.includes('password = ""') && r.text.includes('${DB_PASSWORD}') && r.text.includes('getHint()'));
  assert.equal(r.count, 9);
  assert.deepEqual(r.kinds, { 'private-key': 1, 'openai-key': 1, 'aws-access-key': 1, 'github-token': 1, 'slack-token': 1, jwt: 1, 'connection-string': 1, assignment: 2 });
  assert.match(r.text, /mysql:\/\/root:\[REDACTED:connection-string\]@localhost/);
  assert.equal(redactSecrets('plain code, no secrets').count, 0);
});

test('redaction: a private key cut before its END (a partial read) still loses its key lines, and the code after it stays', () => {
  const cut = 'const fixture = 1;\n  -----BEGIN RSA PRIVATE KEY-----\n  Proc-Type: 4,ENCRYPTED\n\n  MIIEowIBAAKCAQEA75SECRET\n  q9Rk+/8xZ=\nconst next = parse(fixture);';
  const r = redactSecrets(cut);
  assert.equal(r.count, 1);
  assert.equal(r.text.split('\n').length, cut.split('\n').length);
  for (const s of ['MIIEowIBAAKCAQEA75SECRET', 'q9Rk+/8xZ=', 'ENCRYPTED']) assert.ok(!r.text.includes(s), `${s} redacted`);
  assert.ok(r.text.startsWith('const fixture = 1;\n') && r.text.endsWith('\nconst next = parse(fixture);'));
  // One JSON line with escaped newlines, cut or whole.
  const json = '{"key": "-----BEGIN PRIVATE KEY-----\\nMIIEvSECRET\\nAAAB';
  assert.ok(!redactSecrets(json).text.includes('MIIEvSECRET'));
  assert.ok(!redactSecrets(`${json}\\n-----END PRIVATE KEY-----\\n", "n": 1}`).text.includes('MIIEvSECRET'));
  // A PEM parser's marker string is not a key: only the marker is replaced.
  assert.equal(redactSecrets("if (line === '-----BEGIN PRIVATE KEY-----') start = i;").text, "if (line === '[REDACTED:private-key]') start = i;");
});

// Not a benchmark, a guard: before the bounds these took 6.2 s (30,000 `password`s in one run of word characters,
// matched again from each position) and 3.5 s (20,000 unclosed BEGIN lines, each scanned to the end of the text);
// now milliseconds. The test yields between the two, so the timeout fails a regression.
test('redaction runs in linear time on unclosed key blocks, long runs of keyword characters and scheme-like runs', { timeout: 3_000 }, async () => {
  assert.equal(redactSecrets('password'.repeat(30_000)).count, 0);
  await tick();
  assert.equal(redactSecrets('-----BEGIN PRIVATE KEY-----\n'.repeat(20_000)).count, 20_000);
  await tick();
  assert.equal(redactSecrets('a-'.repeat(50_000)).count, 0); // 4.9 s before the scheme was bounded
});

test('glob: list_files patterns', () => {
  const files = ['src/a.ts', 'src/deep/b.ts', 'lib/c.py', 'README.md', 'src/deep/c.test.ts'];
  const m = (g: string) => files.filter(globMatcher(g));
  assert.deepEqual(m('**/*.ts'), ['src/a.ts', 'src/deep/b.ts', 'src/deep/c.test.ts']);
  assert.deepEqual(m('*.ts'), ['src/a.ts', 'src/deep/b.ts', 'src/deep/c.test.ts']);
  assert.deepEqual(m('src/*.ts'), ['src/a.ts']);
  assert.deepEqual(m('src'), ['src/a.ts', 'src/deep/b.ts', 'src/deep/c.test.ts']);
  assert.deepEqual(m('src/deep/'), ['src/deep/b.ts', 'src/deep/c.test.ts']);
  assert.deepEqual(m('*.{py,md}'), ['lib/c.py', 'README.md']);
  assert.deepEqual(m('**/*.test.?s'), ['src/deep/c.test.ts']);
  assert.deepEqual(m('**'), files);
});

// The model writes list_files globs. Compiled to a regular expression these took 49 s and 2 s (backtracking over
// every way to split a name among the stars); the matcher walks segments instead. Not a benchmark: a guard.
test('glob: classes, ranges and `**` inside a segment; patterns that made a regex backtrack for seconds', { timeout: 3_000 }, async () => {
  const files = ['src/a.ts', 'src/deep/b.ts', 'lib/c.py', 'lib/d1.py', 'src/deep/c.test.ts'];
  const m = (g: string) => files.filter(globMatcher(g));
  assert.deepEqual(m('lib/[a-c]*.py'), ['lib/c.py']);
  assert.deepEqual(m('lib/[!c]*.py'), ['lib/d1.py']);
  assert.deepEqual(m('src/**.ts'), ['src/a.ts', 'src/deep/b.ts', 'src/deep/c.test.ts']);
  assert.deepEqual(m('src/**'), ['src/a.ts', 'src/deep/b.ts', 'src/deep/c.test.ts']);
  assert.deepEqual(m('**/deep/**'), ['src/deep/b.ts', 'src/deep/c.test.ts']);
  assert.equal(globMatcher('*a*a*a*a*a*a*a*a*a*a*c')(`src/${'a'.repeat(40)}.ts`), false);
  await tick();
  assert.equal(globMatcher('**/**/**/**/**/**/**/**/x')(`${'a/'.repeat(30)}y`), false);
  assert.equal(globMatcher('**/**/**/**/**/**/**/**/x')(`${'a/'.repeat(30)}x`), true);
  assert.throws(() => globMatcher('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}'), /more than 256 alternatives/);
});

test('prompt tools: strict parsing of the fenced block', () => {
  const fence = (info: string, body: string) => '```' + info + '\n' + body + '\n```';
  const ok = parsePromptToolCalls('Thinking.\n' + fence('json', '{"tool_calls":[{"name":"read_file","arguments":{"path":"a"}},{"name":"list_files","arguments":{"glob":null}}]}'));
  assert.deepEqual(ok, { kind: 'calls', before: 'Thinking.', calls: [{ name: 'read_file', arguments: '{"path":"a"}' }, { name: 'list_files', arguments: '{"glob":null}' }] });
  assert.deepEqual(parsePromptToolCalls('The answer [a.ts:1].'), { kind: 'none' });
  assert.deepEqual(parsePromptToolCalls('Example:\n' + fence('json', '{"a": 1}')), { kind: 'none' }, 'a JSON example in an answer is not a call');
  const err = (t: string) => {
    const r = parsePromptToolCalls(t);
    return r.kind === 'error' ? r.error : `no error (${r.kind})`;
  };
  assert.match(err(fence('json', '{"tool_calls": [{"name": "read_file", "arguments": {"path": "a"}}')), /not valid JSON/);
  assert.match(err(fence('', '{"tool_calls": []}')), /fenced as ```json/);
  assert.match(err(fence('json', '{"tool_calls": []}')), /non-empty array/);
  assert.match(err(fence('json', '{"tool_calls": [{"name": "x", "arguments": "{}"}]}')), /arguments must be a JSON object/);
  assert.match(err(fence('json', '{"tool_calls": [{"name": "x", "arguments": {}, "id": 1}]}')), /unexpected key/);
  assert.match(err(fence('json', '{"tool_calls": [{"name": "x", "arguments": {}}]}') + '\n' + fence('json', '{"tool_calls": [{"name": "y", "arguments": {}}]}')), /ONE/);
  assert.match(err('```json\n{"tool_calls": [{"name": "x", "arguments": {}}]}'), /not closed/);
});

test('prompt tools: streamed text holds back a tool-call block', () => {
  const run = (deltas: string[], isCall: boolean) => {
    let out = '';
    const h = new FenceHoldback((d) => (out += d));
    for (const d of deltas) h.push(d);
    h.end(isCall);
    return out;
  };
  assert.equal(run(['Let me ', 'check.\n``', '`js', 'on\n{"tool_calls": []}\n```'], true), 'Let me check.\n');
  assert.equal(run(['Answer with ', '```json\n{"a":1}\n```', ' done'], false), 'Answer with ```json\n{"a":1}\n``` done');
  assert.equal(run(['plain ', 'text'], false), 'plain text');
});
