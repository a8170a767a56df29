/**
 * Words written short in code (`len` for "length", `cfg` for "configuration", `msg` for "message"), from the builtin
 * embedder's lexicon: two words of one synonym group where the shorter is an abbreviation of the longer (same first
 * letter, its letters in order inside the longer word). Synonyms that are not abbreviations (`get` ~ "fetch") are left
 * out: name features match words, not meanings.
 */
import lexicon from '../embed/lexicon.json';

const PARTNERS = new Map<string, string[]>();
for (const group of lexicon.synonyms) {
  for (const short of group) {
    for (const long of group) {
      if (isAbbreviation(short, long)) {
        link(short, long);
        link(long, short);
      }
    }
  }
}

function link(a: string, b: string): void {
  const list = PARTNERS.get(a);
  if (!list) PARTNERS.set(a, [b]);
  else if (!list.includes(b)) list.push(b);
}

/** `short` is `long` with letters left out: the same first letter, every letter of `short` in order in `long`. */
export function isAbbreviation(short: string, long: string): boolean {
  if (short.length >= long.length || short[0] !== long[0]) return false;
  let i = 0;
  for (const c of long) if (c === short[i] && ++i === short.length) return true;
  return false;
}

/** The words `word` abbreviates or is an abbreviation of (`len` → ["length"]; "length" → ["len"]); empty when none. */
export function abbreviationPartners(word: string): readonly string[] {
  return PARTNERS.get(word) ?? [];
}
