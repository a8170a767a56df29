/**
 * Word-form normalisation shared by the builtin embedder and the lexical index's query expansion, so that
 * "embedded", "embedding", "embeds" and `embed` meet: light, deterministic suffix stripping (not Porter),
 * then one doubled final consonant undone (embedded → embed, running → run; ll/ss/zz are kept).
 *
 * Changing it changes the builtin embedder's vectors: bump BUILTIN_MODEL in src/core/embed/builtin.ts.
 */
/** parse/parsed/parsing/parser → pars; embedded/embedding/embeds → embed. Non-[a-z] words and words ≤ 3 letters are kept. */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || !/^[a-z]+$/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return w.slice(0, -3) + 'y';
  if (w.endsWith('ization') || w.endsWith('isation')) w = w.slice(0, -7);
  else if (w.endsWith('ation') && w.length > 7) w = w.slice(0, -5) + 'at';
  else if (w.endsWith('ments') && w.length > 8) w = w.slice(0, -5);
  else if (w.endsWith('ment') && w.length > 7) w = w.slice(0, -4);
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ers') && w.length > 6) w = w.slice(0, -3);
  else if (w.endsWith('er') && w.length > 5) w = w.slice(0, -2);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);
  else if (w.endsWith('s') && w.length > 3 && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if ((w.endsWith('iz') || w.endsWith('is')) && w.length > 5) w = w.slice(0, -2);
  else if ((w.endsWith('ize') || w.endsWith('ise')) && w.length > 6) w = w.slice(0, -3);
  else if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1); // save/saved/saving → sav
  const n = w.length;
  if (n > 4 && w[n - 1] === w[n - 2] && !'lsz'.includes(w[n - 1])) w = w.slice(0, -1);
  return w;
}

