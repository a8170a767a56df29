// The extension host's side of the UI bridge to the driver (test/realvscode/run.mjs). A suite runs inside the
// extension host and sees only the vscode API; the workbench DOM (Quick Pick, notifications, code-action menu,
// webview contents) lives in the Chromium page that the driver controls with Playwright. These helpers POST to
// the driver's bridge at $PINPOINT_IT_DRIVER, which performs the action on the page and answers in JSON.
//
// Frames: by default actions target the workbench page. `{ webview: 'pinpoint-dev.pinpoint' }` targets the
// content frame of a webview owned by exactly that extension id (the innermost frame, where the extension's HTML
// lives; with several webviews of one extension open, the first found: close the others first). A webview a
// suite creates is owned by suitesExtensionId() (pinpointApi.ts): Pinpoint in the dev run, the harness in the
// packaged run.

export interface FrameOptions {
  /** Target the content of a webview owned by this extension id instead of the workbench. */
  webview?: string;
  /** Milliseconds to wait for the selector/frame (default 10 000). */
  timeout?: number;
}

async function call<T = unknown>(action: string, body: Record<string, unknown> = {}): Promise<T> {
  const base = process.env.PINPOINT_IT_DRIVER;
  if (!base) throw new Error('no UI bridge: PINPOINT_IT_DRIVER is not set (run through test/realvscode/run.mjs)');
  const res = await fetch(`${base}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { ok: boolean; value?: T; error?: string };
  if (!json.ok) throw new Error(`ui.${action} failed: ${json.error ?? res.status}`);
  return json.value as T;
}

export const ui = {
  /** True when the suites run under the driver and its bridge is reachable. */
  get available(): boolean {
    return !!process.env.PINPOINT_IT_DRIVER;
  },
  call,
  /** Saves test/realvscode/screenshots/<name>.png; returns its path. */
  screenshot: (name: string) => call<string>('screenshot', { name }),
  /** Clicks the first element matching a Playwright selector (CSS, `text=…`, `role=…`). */
  click: (selector: string, opts: FrameOptions = {}) => call('click', { selector, ...opts }),
  /** Replaces the value of an input/textarea. */
  fill: (selector: string, text: string, opts: FrameOptions = {}) => call('fill', { selector, text, ...opts }),
  /** Types text with the keyboard into whatever has focus. */
  type: (text: string) => call('type', { text }),
  /** Presses a key or chord, e.g. 'Enter', 'Escape', 'Control+Shift+P', 'Control+.'. */
  press: (key: string) => call('press', { key }),
  /** Waits until the selector is visible (or 'attached'/'hidden'/'detached'). */
  waitFor: (selector: string, opts: FrameOptions & { state?: 'attached' | 'detached' | 'visible' | 'hidden' } = {}) =>
    call('waitFor', { selector, ...opts }),
  /** innerText of the first match (waits for it). */
  text: (selector: string, opts: FrameOptions = {}) => call<string>('text', { selector, ...opts }),
  /** innerText of every match, without waiting. */
  texts: (selector: string, opts: FrameOptions = {}) => call<string[]>('texts', { selector, ...opts }),
  /** Evaluates a JavaScript expression in the page (or webview) and returns its JSON-able value. */
  evaluate: <T = unknown>(expression: string, opts: FrameOptions = {}) => call<T>('evaluate', { expression, ...opts }),
};
