import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docReferenceNames } from '../../../src/core/search/docRefs';
import { parseQuery } from '../../../src/core/search/query';

test('doc-comment cross-references: Sphinx roles, JSDoc/Javadoc/PHPDoc tags, C# cref, Go and Rust doc links', () => {
  assert.deepEqual(docReferenceNames('This function combines :func:`echo` and :func:`style` into one call.'), ['echo', 'style']);
  assert.deepEqual(docReferenceNames('Finish a trial created with :func:`~optuna.study.Study.ask`.'), ['optuna.study.Study.ask', 'optuna', 'study', 'Study', 'ask']);
  assert.deepEqual(docReferenceNames('Create a :class:`Localizer <pyramid.i18n.Localizer>` object'), ['pyramid.i18n.Localizer', 'pyramid', 'i18n', 'Localizer']);
  assert.deepEqual(docReferenceNames('Read the value of a context created with {@link createContext}.'), ['createContext']);
  assert.deepEqual(docReferenceNames('Same as {@linkcode Router.add | add}, {@see Cache::get()}'), ['Router.add', 'Router', 'add', 'Cache.get', 'Cache', 'get']);
  assert.deepEqual(docReferenceNames('Reads with a <see cref="T:Newtonsoft.Json.JsonReader"/>.'), ['Newtonsoft.Json.JsonReader', 'Newtonsoft', 'Json', 'JsonReader']);
  assert.deepEqual(docReferenceNames('creates a [slog.Handler] that writes to a [*bytes.Buffer].'), ['slog.Handler', 'slog', 'Handler', 'bytes.Buffer', 'bytes', 'Buffer']);
  assert.deepEqual(docReferenceNames('Returns an iterator over [`Vec`] items, see [`std::vec::Vec`]'), ['Vec', 'std.vec.Vec', 'std', 'vec']);
});

test('a name also written outside the markup, Markdown links and plain prose are not references', () => {
  assert.deepEqual(docReferenceNames('echo differs from :func:`echo` here'), []);
  assert.deepEqual(docReferenceNames('QuerySet.filter and :meth:`QuerySet.filter`'), []);
  assert.deepEqual(docReferenceNames('see [the docs](https://example.com), [ref]: https://example.com and [a][b]'), []);
  assert.deepEqual(docReferenceNames('Pipeline.Exec panics on a nil reply'), []);
  assert.deepEqual(docReferenceNames('`bulk_create` ignores batch_size'), []);
});

test('parseQuery reports the references beside the identifiers they also are', () => {
  const p = parseQuery('This function combines :func:`echo` and `style` into one call.');
  assert.deepEqual(p.refs, ['echo']);
  assert.deepEqual(p.identifiers.map((m) => m.name).sort(), ['echo', 'style']);
  assert.deepEqual(parseQuery('QuerySet.bulk_create ignores the batch size').refs, []);
});

test('an issue keeps every name it writes: its references are not set apart', () => {
  const issue = `Calling :func:\`echo\` with a custom stream drops the colour codes.\n\n${'The stream is a wrapper. '.repeat(20)}`;
  const p = parseQuery(issue);
  assert.equal(p.kind, 'issue');
  assert.deepEqual(p.refs, []);
  assert.ok(p.identifiers.some((m) => m.name === 'echo'));
});
