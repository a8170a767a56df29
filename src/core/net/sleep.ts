/**
 * An abortable sleep, apart from http.ts so that what needs only this (the embedders' retry loops, which run in the
 * index workers) does not load the openai SDK that http.ts classifies errors with.
 */

/** Sleeps `ms`, rejecting with `abortError()` as soon as `signal` fires. */
export function abortableSleep(ms: number, signal: AbortSignal | undefined, abortError: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
