// Helpers shared by the Pinpoint suites: the extension's API (what activate() returns) and polling.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PinpointApi } from '../../src/extension/extension';

export const EXTENSION_ID = 'pinpoint-dev.pinpoint';

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
