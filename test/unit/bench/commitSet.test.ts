import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanBody, cleanSubject, touchedLines } from '../../../bench/commitSet';

test('commit set: a subject loses its conventional prefix and PR number; housekeeping subjects are dropped', () => {
  assert.equal(cleanSubject('fix(router): match routes by the raw url path (#812)'), 'match routes by the raw url path');
  assert.equal(cleanSubject('Avoid potential nil dereference.'), 'Avoid potential nil dereference');
  assert.equal(cleanSubject('feat!: add Discard method to WrapResponseWriter [skip ci]'), 'add Discard method to WrapResponseWriter');
  for (const s of ['Bump lodash from 4.17.20 to 4.17.21', 'Merge pull request #1 from a/b', 'chore: tidy the parser', 'docs(api): explain Mount',
    'Fix typo in the router', 'update dev dependencies', '[pre-commit.ci] auto fixes from pre-commit.com hooks', 'Release 2.1.0', 'fix it'])
    assert.equal(cleanSubject(s), undefined, s);
});

test('commit set: a body loses trailers, issue links, checklists and HTML comments', () => {
  const body = [
    '<!-- describe your change -->',
    'The TTY check assumes we log to stdout.',
    '- [x] tests added',
    'Fixes #123',
    'https://github.com/o/r/pull/9',
    'Signed-off-by: A Person <a@example.com>',
    'Co-authored-by: B <b@example.com>',
  ].join('\n');
  assert.equal(cleanBody(body), 'The TTY check assumes we log to stdout.');
});

test('commit set: touched lines are the new side of each -U0 hunk; a pure deletion touches the line before it', () => {
  const diff = [
    'diff --git a/mux.go b/mux.go',
    '--- a/mux.go',
    '+++ b/mux.go',
    '@@ -10,2 +10,3 @@ func (mx *Mux) Use(',
    '@@ -40 +41 @@ func (mx *Mux) Handle(',
    '@@ -60,4 +61,0 @@ func (mx *Mux) Mount(',
    'diff --git a/gone.go b/gone.go',
    '--- a/gone.go',
    '+++ /dev/null',
    '@@ -1,3 +0,0 @@',
  ].join('\n');
  assert.deepEqual([...touchedLines(diff)], [['mux.go', [[10, 12], [41, 41], [61, 61]]]]);
});
