/** Line-window packing shared by block merging and the fallback chunker. */
import type { Lines } from './text';

/**
 * Splits rows `from..to` (0-based, inclusive) into windows of at most `target` rows, cutting before a row where
 * `isBreak(row)` when possible (preferring cuts in the second half of a window), else after a blank line, else hard.
 * Leading/trailing blank rows are trimmed from each window; all-blank windows are dropped.
 * `isHard(row)`, when given, forces a cut before that row (once the window holds `minBeforeHard` non-blank rows).
 */
export function packRows(
  lines: Lines, from: number, to: number, target: number,
  isBreak: (row: number) => boolean,
  isHard?: (row: number) => boolean, minBeforeHard = 0,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const blank = lines.blank;
  const push = (a: number, b: number) => {
    while (a <= b && blank[a]) a++;
    while (b >= a && blank[b]) b--;
    if (a <= b) out.push([a, b]);
  };
  let s = from;
  while (s <= to && blank[s]) s++;
  while (s <= to) {
    const limit = Math.min(to, s + target - 1);
    let cut = -1; // first row of the next window
    let nonBlank = blank[s] ? 0 : 1;
    if (isHard) {
      for (let r = s + 1; r <= limit; r++) {
        if (isHard(r) && nonBlank >= minBeforeHard) {
          cut = r;
          break;
        }
        if (!blank[r]) nonBlank++;
      }
    }
    if (cut < 0) {
      if (limit === to) {
        push(s, to);
        break;
      }
      const half = s + (target >> 1);
      let best = -1;
      let blankCut = -1;
      for (let r = limit + 1; r > s && (best < 0 || blankCut < 0); r--) {
        if (best < 0 && r <= to && isBreak(r)) best = r;
        if (blankCut < 0 && r - 1 > s && blank[r - 1] && !blank[r]) blankCut = r;
      }
      cut = best > half ? best : blankCut > half ? blankCut : best > s ? best : blankCut > s ? blankCut : limit + 1;
    }
    push(s, cut - 1);
    s = cut;
    while (s <= to && blank[s]) s++;
  }
  return out;
}
