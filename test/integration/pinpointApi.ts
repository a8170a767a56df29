// Helpers shared by the Pinpoint suites: the extension's API (what activate() returns), polling, the run's trust
// mode, and the UI flows more than one suite drives (Search Code's Quick Pick, the code-action menu).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/extension/commands/catalog';
import type { PinpointApi } from '../../src/extension/extension';
import type { Context } from './mocha';
import { ui } from './ui';

export const EXTENSION_ID = 'pinpoint-dev.pinpoint';

/**
 * The extension the suites themselves belong to: Pinpoint in the dev run (the repo is the extensionDevelopmentPath),
 * the test harness in the packaged run. A webview a suite creates is owned by it (the UI bridge's `webview` option).
 */
export function suitesExtensionId(): string {
  const inside = (dir: string) => !path.relative(dir, __dirname).startsWith('..');
  const own = vscode.extensions.all.find((e) => inside(e.extensionPath));
  assert.ok(own, `no extension holds ${__dirname}`);
  return own.id;
}

/** run.mjs PINPOINT_IT_UNTRUSTED=1: workspace trust is on and the fixture is left untrusted (Restricted Mode). */
export const UNTRUSTED_RUN = !!process.env.PINPOINT_IT_UNTRUSTED;

/** For a test (or suiteSetup) that talks to a model: skipped in the untrusted run, and the workspace must be trusted otherwise. */
export function needsTrust(ctx: Context): void {
  if (UNTRUSTED_RUN) ctx.skip();
  assert.equal(vscode.workspace.isTrusted, true, 'the workspace is not trusted in a run that expects trust');
}

export async function pinpoint(): Promise<PinpointApi> {
  const ext = vscode.extensions.getExtension<PinpointApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  return folder.uri;
}

/** Polls `check` until it returns a truthy value (returned) or the time is up (throws with `what`). */
export async function waitUntil<T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000, everyMs = 150): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Errors the language service reports for `uri`, waiting for the first ones. */
export async function errorsFor(uri: vscode.Uri, timeoutMs: number): Promise<vscode.Diagnostic[]> {
  const errors = () => vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
  return errors().length ? errors() : waitUntil(`errors in ${uri.path}`, () => (errors().length ? errors() : undefined), timeoutMs, 250);
}

/**
 * `Pinpoint: Search Code…` through the real Quick Pick: types `query`, waits for the row of the search API's best
 * hit (and its preview), takes `screenshot`, presses Enter and returns the editor opened at the hit's first line.
 */
export async function searchCodeAndOpen(query: string, screenshot: string): Promise<{ editor: vscode.TextEditor; hit: Awaited<ReturnType<PinpointApi['search']>>[number] }> {
  const [hit] = await (await pinpoint()).search(query, 1);
  assert.ok(hit, `the search API finds something for "${query}"`);
  await vscode.commands.executeCommand(COMMANDS.searchCode.id);
  await ui.waitFor('.quick-input-widget input');
  await ui.type(query);
  await ui.waitFor(`.quick-input-list .monaco-list-row[aria-label*="${hit.qualifiedName}"]`);
  // The highlighted result is previewed without leaving the picker.
  await waitUntil('the preview of the first result', () => vscode.window.activeTextEditor?.document.uri.path.endsWith(hit.path), 10_000);
  await ui.screenshot(screenshot);
  await ui.press('Enter');
  const editor = await waitUntil('the result opened', () => {
    const e = vscode.window.activeTextEditor;
    return e && e.document.uri.path.endsWith(`/${hit.path}`) && e.selection.start.line === hit.startLine - 1 ? e : undefined;
  }, 10_000);
  assert.equal(path.relative(workspaceRoot().fsPath, editor.document.uri.fsPath).split(path.sep).join('/'), hit.path);
  return { editor, hit };
}

/**
 * Opens the real code-action menu on the active editor's selection and returns its rows. On a cold start the
 * editor may not have focus yet (another view just took it), so the editor group is focused and the open retried.
 * (The quick-fix command settles as "Canceled" when the menu is closed: that is expected.)
 */
export async function openCodeActionMenu(): Promise<string[]> {
  let shown = false;
  for (let attempt = 0; attempt < 3 && !shown; attempt++) {
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    vscode.commands.executeCommand('editor.action.quickFix').then(undefined, () => undefined);
    shown = await ui.waitFor('.action-widget .monaco-list-row').then(() => true, () => false);
    if (!shown) await ui.press('Escape');
  }
  assert.ok(shown, 'the code-action menu did not open');
  return ui.texts('.action-widget .monaco-list-row');
}
