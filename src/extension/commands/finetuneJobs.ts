import * as vscode from 'vscode';
import { FineTuneClient, rollbackModel, switchModel, TERMINAL, type JobInfo, type ModelSettingsState, type SettingsStore } from '../../core/finetune';
import { SETTINGS } from '../settings';
import { withCancellableProgress } from '../progress';
import type { PinpointServices } from '../services';
import { COMMANDS } from './catalog';

/** workspaceState key: the chat models used before a switch (most recent last), for `Roll back`. */
export const PREVIOUS_MODELS_KEY = 'pinpoint.finetune.previousModels';

/**
 * The model switch store on VS Code settings: the model is `pinpoint.chat.model` (written in the workspace
 * scope when a workspace is open, else the user settings), the ids to roll back to are in workspaceState.
 */
export function chatModelStore(state: vscode.Memento): SettingsStore {
  const key = SETTINGS.chatModel.key;
  return {
    async load(): Promise<ModelSettingsState> {
      const model = vscode.workspace.getConfiguration().get<string>(key, '') || null;
      return { model, previous: state.get<string[]>(PREVIOUS_MODELS_KEY, []).filter((m) => typeof m === 'string' && !!m) };
    },
    async save(s: ModelSettingsState): Promise<void> {
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration().update(key, s.model ?? '', target);
      await state.update(PREVIOUS_MODELS_KEY, s.previous);
    },
  };
}

/** A client on `pinpoint.chat.baseUrl` with the stored API key; undefined (after saying why) when none can be used. */
export async function fineTuneClient(services: PinpointServices): Promise<FineTuneClient | undefined> {
  if (!services.isTrusted()) {
    void vscode.window.showWarningMessage('Pinpoint: fine-tuning sends data to the model endpoint; trust this workspace first.');
    return undefined;
  }
  const apiKey = await services.apiKey.get();
  if (!apiKey) {
    const set = 'Set API Key';
    void vscode.window.showErrorMessage(`Pinpoint: no API key is stored. Run "Pinpoint: ${COMMANDS.setApiKey.title}" first (fine-tuning needs the endpoint's key).`, set).then((a) => {
      if (a === set) void vscode.commands.executeCommand(COMMANDS.setApiKey.id);
    });
    return undefined;
  }
  return new FineTuneClient({ baseURL: services.settings().chatBaseUrl, apiKey });
}

/** Makes `id` the chat model, the previous one kept for `Roll back`. */
export async function useModel(services: PinpointServices, id: string): Promise<ModelSettingsState> {
  const s = await switchModel(chatModelStore(services.context.workspaceState), id);
  services.log.info(`chat model switched to ${id}${s.previous.length ? ` (previous: ${s.previous[s.previous.length - 1]})` : ''}`);
  const back = 'Roll back';
  void vscode.window.showInformationMessage(`Pinpoint: chat model set to ${id}.`, ...(s.previous.length ? [back] : [])).then((a) => {
    if (a === back) void rollBack(services);
  });
  return s;
}

export async function rollBack(services: PinpointServices): Promise<ModelSettingsState | undefined> {
  try {
    const s = await rollbackModel(chatModelStore(services.context.workspaceState));
    services.log.info(`chat model rolled back to ${s.model}`);
    void vscode.window.showInformationMessage(`Pinpoint: chat model rolled back to ${s.model}.`);
    return s;
  } catch (e) {
    void vscode.window.showWarningMessage(`Pinpoint: ${(e as Error).message}.`);
    return undefined;
  }
}

/** Offers the switch to a succeeded job's model. */
export async function offerModel(services: PinpointServices, job: JobInfo): Promise<void> {
  if (job.status !== 'succeeded' || !job.fineTunedModel) return;
  const use = `Use ${job.fineTunedModel} for chat`;
  const a = await vscode.window.showInformationMessage(`Pinpoint: fine-tuning job ${job.id} succeeded: ${job.fineTunedModel}.`, use);
  if (a === use) await useModel(services, job.fineTunedModel);
}

/**
 * Follows a job in a cancellable progress notification (status and events; events also go to the log).
 * Cancelling stops following only: the job goes on on the server. Returns the final job, or undefined then.
 */
export async function followJob(services: PinpointServices, client: FineTuneClient, id: string): Promise<JobInfo | undefined> {
  const job = await withCancellableProgress(`Pinpoint: fine-tuning ${id}`, (progress, signal) =>
    client.follow(id, {
      signal,
      onStatus: (j) => {
        services.log.info(`fine-tuning ${id}: ${j.status}`);
        progress.report({ message: j.status });
      },
      onEvent: (e) => {
        services.log.info(`fine-tuning ${id}: ${e.message}`);
        progress.report({ message: e.message });
      },
    }),
  );
  if (!job) {
    void vscode.window.showInformationMessage(`Pinpoint: stopped following ${id}; the job goes on (Pinpoint: ${COMMANDS.showFineTuningJobs.title} to follow or cancel it).`);
    return undefined;
  }
  if (job.status === 'succeeded') await offerModel(services, job);
  else void vscode.window.showErrorMessage(`Pinpoint: fine-tuning job ${id} ${job.status}${job.error ? `: ${job.error.message}` : ''}.`);
  return job;
}

interface JobItem extends vscode.QuickPickItem {
  job?: JobInfo;
  rollback?: boolean;
}

/** `Pinpoint: Show Fine-tuning Jobs`: the endpoint's jobs; one picked offers follow, cancel, use its model, roll back. */
export async function showFineTuningJobs(services: PinpointServices): Promise<void> {
  const client = await fineTuneClient(services);
  if (!client) return;
  const jobs = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Pinpoint: listing fine-tuning jobs' }, () => client.listJobs({ limit: 30 }));
  const previous = (await chatModelStore(services.context.workspaceState).load()).previous;
  const items: JobItem[] = jobs.map((j) => ({
    label: `${TERMINAL.includes(j.status) ? '' : '$(sync~spin) '}${j.id}`,
    description: `${j.model} · ${j.status}`,
    detail: `${j.fineTunedModel ?? '(no model yet)'} · created ${j.createdAt}${j.error ? ` · ${j.error.message}` : ''}`,
    job: j,
  }));
  if (previous.length) items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: `$(history) Roll back the chat model to ${previous[previous.length - 1]}`, rollback: true });
  if (!items.length) {
    void vscode.window.showInformationMessage(`Pinpoint: no fine-tuning jobs at ${client.baseURL}.`);
    return;
  }
  const pick = await vscode.window.showQuickPick(items, { title: `Pinpoint: Fine-tuning jobs (${client.baseURL})`, placeHolder: jobs.length ? 'Pick a job' : 'No jobs yet', matchOnDescription: true, matchOnDetail: true });
  if (!pick) return;
  if (pick.rollback) {
    await rollBack(services);
    return;
  }
  const job = pick.job!;
  const running = !TERMINAL.includes(job.status);
  const actions: { label: string; run: () => Promise<unknown> }[] = [
    { label: running ? '$(eye) Follow' : '$(refresh) Refresh', run: () => (running ? followJob(services, client, job.id) : refresh(client, job.id)) },
  ];
  if (running) actions.push({ label: '$(stop-circle) Cancel the job', run: () => cancel(services, client, job.id) });
  if (job.status === 'succeeded' && job.fineTunedModel) actions.push({ label: `$(check) Use ${job.fineTunedModel} for chat`, run: () => useModel(services, job.fineTunedModel!) });
  if (previous.length) actions.push({ label: `$(history) Roll back the chat model to ${previous[previous.length - 1]}`, run: () => rollBack(services) });
  const action = await vscode.window.showQuickPick(actions, { title: `Pinpoint: ${job.id} (${job.status})` });
  if (action) await action.run();
}

async function refresh(client: FineTuneClient, id: string): Promise<void> {
  const j = await client.getJob(id);
  const events = await client.events(id, { limit: 5 });
  const last = events.length ? ` Last event: ${events[events.length - 1].message}` : '';
  void vscode.window.showInformationMessage(`Pinpoint: ${j.id}: ${j.status}${j.fineTunedModel ? ` → ${j.fineTunedModel}` : ''}${j.error ? ` (${j.error.message})` : ''}.${last}`);
}

async function cancel(services: PinpointServices, client: FineTuneClient, id: string): Promise<void> {
  const yes = 'Cancel Job';
  if ((await vscode.window.showWarningMessage(`Cancel fine-tuning job ${id}?`, { modal: true }, yes)) !== yes) return;
  const j = await client.cancelJob(id);
  services.log.info(`fine-tuning ${id}: cancel requested (${j.status})`);
  void vscode.window.showInformationMessage(`Pinpoint: ${id}: ${j.status}.`);
}
