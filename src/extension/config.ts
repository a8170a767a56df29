import * as vscode from 'vscode';
import { excludeGlobsFrom } from './excludes';
import { readSettings, SETTINGS, type SettingName, type SettingValues } from './settings';

/** The typed settings, read from VS Code (optionally for one folder: `files.exclude` etc. are resource-scoped). */
export function readConfig(scope?: vscode.Uri): SettingValues {
  const cfg = vscode.workspace.getConfiguration(undefined, scope);
  return readSettings((key) => cfg.get(key));
}

/** Writes one setting where it is currently set (workspace folder / workspace) or else in the user settings. */
export async function writeSetting<N extends SettingName>(name: N, value: SettingValues[N]): Promise<void> {
  const key = SETTINGS[name].key;
  const cfg = vscode.workspace.getConfiguration();
  const seen = cfg.inspect(key);
  const target = seen?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await cfg.update(key, value, target);
}

/** Everything the index of `folder` must skip besides ignore files: files.exclude, search.exclude, pinpoint.index.exclude. */
export function excludeGlobsFor(folder: vscode.Uri): string[] {
  const cfg = vscode.workspace.getConfiguration(undefined, folder);
  const own = readConfig(folder).indexExclude;
  return [...excludeGlobsFrom(cfg.get<Record<string, unknown>>('files.exclude'), cfg.get<Record<string, unknown>>('search.exclude')), ...own];
}

/** Does a configuration change touch what the index walks (ignore globs, size limit) or how it embeds? */
export function affects(e: vscode.ConfigurationChangeEvent): { walk: boolean; embedder: boolean } {
  return {
    walk: ['files.exclude', 'search.exclude', SETTINGS.indexExclude.key, SETTINGS.indexMaxFileSize.key].some((k) => e.affectsConfiguration(k)),
    embedder: [SETTINGS.embeddingsProvider.key, SETTINGS.embeddingsBaseUrl.key, SETTINGS.embeddingsModel.key].some((k) => e.affectsConfiguration(k)),
  };
}
