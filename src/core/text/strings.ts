/** String storage details of V8 that decide what a long-lived index costs in memory. */

/**
 * A flat copy of `s`, for strings kept for the life of an index. V8 represents a string cut from a longer one
 * as a slice that keeps the whole source alive, and a string built by concatenation as a tree of its pieces (a
 * decoded shard's strings come back as trees of 8-character pieces); both are only made for strings of 13 or more characters.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}
