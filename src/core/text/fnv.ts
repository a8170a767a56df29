/** FNV-1a, 32-bit, over UTF-16 code units: stable across runs and platforms, and computable as a string grows. */
export const FNV_OFFSET = 0x811c9dc5;

/** One step: the hash of `s + c` from the hash of `s` and c's code unit. */
export const fnvStep = (h: number, code: number): number => Math.imul(h ^ code, 0x01000193) >>> 0;

export function fnv1a(s: string, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return h;
}
