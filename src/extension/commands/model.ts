import * as vscode from 'vscode';
import { readConfig, writeSetting } from '../config';
import type { ApiKeyStore } from '../secrets';

/** Model ids offered by `Pinpoint: Select Model` besides the recent ones (any OpenAI-compatible id works). */
export const KNOWN_MODELS = ['gpt-4.1-mini', 'gpt-4.1', 'gpt-4.1-nano', 'gpt-4o-mini', 'gpt-4o', 'o4-mini'];
const RECENT_KEY = 'pinpoint.recentModels';
const RECENT_MAX = 8;

/** `Pinpoint: Set API Key`: stored in SecretStorage only. An empty entry removes the stored key. */
export async function setApiKey(store: ApiKeyStore, log: vscode.LogOutputChannel): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'Pinpoint: Set API Key',
    prompt: 'API key of the OpenAI-compatible endpoint (kept in VS Code\'s secret storage, never in settings). Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
    placeHolder: 'sk-…',
  });
  if (key === undefined) return;
  if (!key.trim()) {
    await store.clear();
    log.info('API key removed');
    void vscode.window.showInformationMessage('Pinpoint: API key removed.');
    return;
  }
  await store.set(key.trim());
  log.info('API key stored in secret storage'); // never the key itself
  void vscode.window.showInformationMessage('Pinpoint: API key saved.');
}

interface ModelItem extends vscode.QuickPickItem {
  model?: string;
  custom?: boolean;
}

/** `Pinpoint: Select Model`: recent and known ids, "offline", or a custom id; writes `pinpoint.chat.model`. */
export async function selectModel(state: vscode.Memento): Promise<string | undefined> {
  const current = readConfig().chatModel;
  const recent = state.get<string[]>(RECENT_KEY, []).filter((m) => m && m !== current);
  const mark = (m: string) => (m === current ? '$(check) ' : '');
  const items: ModelItem[] = [];
  if (current) items.push({ label: 'Current', kind: vscode.QuickPickItemKind.Separator }, { label: `$(check) ${current}`, model: current });
  if (recent.length) {
    items.push({ label: 'Recent', kind: vscode.QuickPickItemKind.Separator });
    for (const m of recent) items.push({ label: m, model: m });
  }
  const known = KNOWN_MODELS.filter((m) => m !== current && !recent.includes(m));
  if (known.length) {
    items.push({ label: 'Known', kind: vscode.QuickPickItemKind.Separator });
    for (const m of known) items.push({ label: `${mark(m)}${m}`, model: m });
  }
  items.push(
    { label: 'Other', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(edit) Enter a model id…', description: 'any id the endpoint serves (fine-tuned ft:…, local models)', custom: true },
    { label: `${current ? '' : '$(check) '}$(circle-slash) Offline`, description: 'extractive answers from the local index; nothing is sent', model: '' },
  );
  const pick = await vscode.window.showQuickPick(items, { title: 'Pinpoint: Select Model', placeHolder: `Chat model (now: ${current || 'offline'})` });
  if (!pick) return undefined;
  let model = pick.model;
  if (pick.custom) {
    model = (await vscode.window.showInputBox({ title: 'Pinpoint: Model id', value: current, prompt: 'Model id as the endpoint names it', ignoreFocusOut: true }))?.trim();
    if (model === undefined) return undefined;
  }
  if (model === undefined) return undefined;
  await writeSetting('chatModel', model);
  if (model) await state.update(RECENT_KEY, [model, ...state.get<string[]>(RECENT_KEY, []).filter((m) => m !== model)].slice(0, RECENT_MAX));
  void vscode.window.showInformationMessage(model ? `Pinpoint: chat model set to ${model}.` : 'Pinpoint: offline answers (no model).');
  return model;
}
