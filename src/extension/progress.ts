import * as vscode from 'vscode';

/**
 * Runs `work` in a cancellable progress notification, its cancel button wired to an AbortSignal. Resolves to
 * undefined when the user cancelled (whatever `work` threw then); other errors propagate.
 */
export async function withCancellableProgress<T>(
  title: string,
  work: (progress: vscode.Progress<{ message?: string }>, signal: AbortSignal) => Promise<T>,
): Promise<T | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort());
    try {
      return await work(progress, ac.signal);
    } catch (e) {
      if (token.isCancellationRequested) return undefined;
      throw e;
    } finally {
      sub.dispose();
    }
  });
}
