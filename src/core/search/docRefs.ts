/**
 * Doc-comment cross-references in a query: Sphinx roles (:func:`echo`, :meth:`~click.Context.invoke`), JSDoc /
 * TSDoc / Javadoc / PHPDoc inline tags ({@link createContext}, {@linkcode X}, {@see X}), C# XML doc (<see
 * cref="T:Ns.Type"/>), Go doc links ([label.Key], [*bytes.Buffer]) and Rust intra-doc links ([`Vec`]).
 *
 * A sentence that names a symbol through such markup was written in a doc comment and refers to another symbol than
 * the one it describes ("This function combines :func:`echo` and :func:`style` into one call" documents `secho`), so
 * a name seen only inside this markup is a reference, not the thing asked for: signals.ts does not count it as naming
 * a definition in a short query (an issue's references name what it is about). Measured (bench/RESULTS.md, session 45):
 * in 2,248 docstring queries (their own name masked), a definition the sentence names was the documented function in
 * 11 of the 430 that name one (29 of those 430 name one only through this markup); in 135 issue titles, in 27 of 73.
 */

// Each pattern's group 1 is the referenced name; each is anchored on its markup's own opening, and bounds what it
// repeats (no `.*` that could re-scan the text from every position).
const DOC_REF_RES: readonly RegExp[] = [
  // reST / Sphinx: :func:`name`, :py:meth:`~a.B.c`, :class:`Title <pkg.Name>`.
  /:(?:py:|js:)?(?:func|meth|class|attr|data|mod|exc|obj|const|type|any|member|function|method):`~?(?:[^`<>\n]{0,200}<)?([^`<>\n]{1,200}?)(?:\(\))?>?`/g,
  // {@link X}, {@linkcode X label}, {@linkplain X|label}, {@see X}.
  /\{@(?:link|linkcode|linkplain|see)\s+([^\s}|]{1,200})[^}\n]{0,200}\}/g,
  // <see cref="T:Ns.Type"/>, <seealso cref="M:Ns.Type.Method(System.String)"/>.
  /<(?:see|seealso)\s+cref="(?:[A-Z]:)?([^"(\n]{1,200})[^"\n]{0,200}"\s*\/?>/g,
  // Go doc links: [Name], [pkg.Name], [*pkg.Name]; not a Markdown link or reference ([text](url), [text]: url, [a][b]).
  /(?<!\])\[\*?([A-Za-z_]\w{0,100}(?:\.[A-Za-z_]\w{0,100}){0,8})\](?![([:])/g,
  // Rust intra-doc links: [`Name`], [`module::Name`].
  /\[`([^`\]\n]{1,200})`\]/g,
];

const NAME_RE = /[A-Za-z_$][\w$]*/g;

/**
 * The names (single identifiers and dotted names, `::` read as `.`) that the text mentions only inside doc-comment
 * cross-reference markup: a name also written outside it is not one of them.
 */
export function docReferenceNames(text: string): string[] {
  const spans: [number, number][] = [];
  const named = new Set<string>();
  for (const re of DOC_REF_RES) {
    for (const m of text.matchAll(re)) {
      spans.push([m.index!, m.index! + m[0].length]);
      const full = m[1].trim().replace(/::/g, '.').replace(/^[~*]+|\(\)$/g, '');
      if (!full) continue;
      named.add(full);
      for (const id of full.matchAll(NAME_RE)) named.add(id[0]);
    }
  }
  if (!named.size) return [];
  spans.sort((a, b) => a[0] - b[0]);
  let outside = '';
  let from = 0;
  for (const [s, e] of spans) {
    if (s > from) outside += `${text.slice(from, s)} `;
    from = Math.max(from, e);
  }
  outside += text.slice(from);
  const elsewhere = new Set<string>();
  for (const m of outside.matchAll(/[A-Za-z_$][\w$]*(?:(?:\.|::)[A-Za-z_$][\w$]*)*/g)) {
    const d = m[0].replace(/::/g, '.');
    elsewhere.add(d);
    for (const id of d.split('.')) elsewhere.add(id);
  }
  return [...named].filter((n) => !elsewhere.has(n));
}
