/** What the extension's parts share, built once in the composition root (extension.ts). */
import type * as vscode from 'vscode';
import type { AssistantWorkspace, ModelConfig } from '../core/assistant/types';
import type { IndexManager } from './indexing/manager';
import type { SearchService } from './search';
import type { ApiKeyStore } from './secrets';
import type { SettingValues } from './settings';

export interface PinpointServices {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly indexes: IndexManager;
  readonly search: SearchService;
  readonly apiKey: ApiKeyStore;
  /** Current typed settings. */
  settings(): SettingValues;
  /** False in an untrusted workspace: send nothing to a model (offline answers only). */
  isTrusted(): boolean;
  /** The chat model, or undefined for offline answers (no model configured, or untrusted). */
  modelConfig(): Promise<ModelConfig | undefined>;
  /** The workspace a turn works on: the folder holding `uri`, else the first indexed folder. */
  assistantWorkspace(uri?: vscode.Uri): AssistantWorkspace | undefined;
}
