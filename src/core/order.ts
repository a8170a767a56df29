/**
 * Sort comparators over numbers that return -1, 0 or 1. A comparator that returns a difference of doubles
 * (`b.s - a.s`) boxes the result on every call from Array.prototype.sort: sorting a query's ~900 candidates that way
 * made ~40 KB of garbage and took ~1.3× the time (bench/RESULTS.md, session 47). NaN compares equal, as a
 * difference's NaN does in a sort (and it is falsy in a `||` chain, as 0 is).
 */

/** Orders `x` before `y` when it is higher: a descending sort. */
export const higherFirst = (x: number, y: number): number => (x > y ? -1 : x < y ? 1 : 0);
