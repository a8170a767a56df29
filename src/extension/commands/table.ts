import * as vscode from 'vscode';
import type { ChatBridge } from '../chatBridge';
import type { PinpointServices } from '../services';
import { askAboutCode, askWorkspace, QUESTIONS } from './ask';
import { COMMANDS, type CommandName } from './catalog';
import { exportFineTuningData, startFineTuningJob, type ExportArgs } from './finetune';
import { showFineTuningJobs } from './finetuneJobs';
import { showIndexStatus } from './indexStatus';
import { selectModel, setApiKey } from './model';
import { showSearchCode } from './searchCode';

export interface CommandDeps {
  services: PinpointServices;
  chat: ChatBridge;
}

type Factory = (deps: CommandDeps) => (...args: unknown[]) => unknown;

/**
 * The command table: one factory per command of the catalog (the type makes a missing one a compile error).
 * Commands that show a picker resolve once it is shown, not when it closes.
 */
export const COMMAND_TABLE: Record<CommandName, Factory> = {
  ask: ({ chat }) => (question?: unknown) => askWorkspace(chat, typeof question === 'string' ? question : undefined),
  searchCode: ({ services }) => (initial?: unknown) => {
    showSearchCode(services.search, typeof initial === 'string' ? initial : '');
  },
  reindex: ({ services }) => () => services.indexes.reindex(),
  showIndexStatus: ({ services }) => async () => {
    await showIndexStatus(services.indexes);
  },
  setApiKey: ({ services }) => () => setApiKey(services.apiKey, services.log),
  selectModel: ({ services }) => () => selectModel(services.context.globalState),
  openLogs: ({ services }) => () => services.log.show(),
  exportFineTuningData: ({ services }) => (args?: unknown) => exportFineTuningData(services, args && typeof args === 'object' ? (args as ExportArgs) : {}),
  startFineTuningJob: ({ services }) => () => startFineTuningJob(services),
  showFineTuningJobs: ({ services }) => () => showFineTuningJobs(services),
  explainSelection: ({ chat }) => (...args) => askAboutCode(chat, args, QUESTIONS.explain),
  findRelated: ({ chat }) => (...args) => askAboutCode(chat, args, QUESTIONS.related),
  askAboutSelection: ({ chat }) => (...args) => askAboutCode(chat, args, undefined),
  explainDiagnostic: ({ chat }) => (...args) => askAboutCode(chat, args, QUESTIONS.diagnostic),
};

/** Registers every command of the table; errors are logged and shown, never swallowed silently. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return (Object.keys(COMMAND_TABLE) as CommandName[]).map((name) => {
    const run = COMMAND_TABLE[name](deps);
    return vscode.commands.registerCommand(COMMANDS[name].id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (e) {
        deps.services.log.error(`${COMMANDS[name].id}: ${(e as Error).stack ?? (e as Error).message}`);
        void vscode.window.showErrorMessage(`Pinpoint: ${COMMANDS[name].title.replace(/…$/, '')} failed: ${(e as Error).message}`);
        return undefined;
      }
    });
  });
}
