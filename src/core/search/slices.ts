/**
 * Work over many items on the extension host's thread without holding it: `fn` runs on each item in turn, and every
 * `slice` items the loop yields (setImmediate) so the host's other work runs between slices. Stops early, between
 * items, once `signal` is aborted.
 */
export async function forEachInSlices<T>(items: Iterable<T>, fn: (item: T) => void, slice: number, signal?: AbortSignal): Promise<void> {
  let n = 0;
  for (const item of items) {
    if (signal?.aborted) break;
    fn(item);
    if (++n % slice === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
