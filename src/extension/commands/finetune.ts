import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { TraceStore } from '../../core/assistant/trace';
import {
  defaultValPath, exportDataset, formatValidation, startJob, SYNTHETIC_TRACE_FILE, TRACES_DIR_NAME, validateFile, writeDataset,
  type ExportResult, type TraceSource, type ValidationReport,
} from '../../core/finetune';
import { withCancellableProgress } from '../progress';
import type { PinpointServices } from '../services';
import { fineTuneClient, followJob } from './finetuneJobs';

export const DEFAULT_BASE_MODEL = 'gpt-4.1-mini-2025-04-14';
export const DEFAULT_EXPORT_FILE = 'pinpoint-finetune.jsonl';

/** Optional arguments of `Export Fine-tuning Data` (scripted runs and tests): given ones skip their prompt. */
export interface ExportArgs {
  folder?: string;
  includeUnrated?: boolean;
  synthetic?: boolean;
  out?: string;
}

export interface ExportSummary {
  traceDir: string;
  read: number;
  train: number;
  validation: number;
  excluded: ExportResult['excluded'];
  file?: string;
  validationFile?: string;
  report?: ValidationReport;
  message: string;
}

function excludedText(ex: ExportResult['excluded']): string {
  const parts = Object.entries(ex).filter(([, n]) => n).map(([r, n]) => `${r} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Shows a text report in a read-only-ish untitled Markdown editor. */
async function showReport(title: string, body: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# ${title}\n\n\`\`\`text\n${body}\n\`\`\`\n` });
  await vscode.window.showTextDocument(doc, { preview: true });
}

async function pickFolder(name?: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length) {
    void vscode.window.showWarningMessage('Pinpoint: open a folder first; fine-tuning data comes from its chat traces.');
    return undefined;
  }
  if (name) return folders.find((f) => f.name === name || f.uri.fsPath === name);
  return folders.length === 1 ? folders[0] : vscode.window.showWorkspaceFolderPick({ placeHolder: 'Export the chat traces of which folder?' });
}

/** `Pinpoint: Export Fine-tuning Data`: the folder's traces → train/validation JSONL, validated, with a summary. */
export async function exportFineTuningData(services: PinpointServices, args: ExportArgs = {}): Promise<ExportSummary | undefined> {
  const folder = await pickFolder(args.folder);
  if (!folder) return undefined;
  const traceDir = path.join(services.indexes.indexDir(folder), TRACES_DIR_NAME);
  const hasSynthetic = existsSync(path.join(traceDir, SYNTHETIC_TRACE_FILE));
  let includeUnrated = args.includeUnrated;
  let synthetic = args.synthetic ?? false;
  if (includeUnrated === undefined) {
    const items = [
      { label: 'Only answers rated 👍', description: 'recommended', unrated: false, synthetic: false },
      { label: 'Also unrated answers', description: 'still excludes 👎, failed, uncited and unverified turns', unrated: true, synthetic: false },
      ...(hasSynthetic ? [{ label: 'Rated 👍 and synthesized turns', description: SYNTHETIC_TRACE_FILE, unrated: false, synthetic: true }] : []),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Pinpoint: Export Fine-tuning Data', placeHolder: 'Which chat turns?' });
    if (!pick) return undefined;
    includeUnrated = pick.unrated;
    synthetic = pick.synthetic;
  }
  let out = args.out;
  if (!out) {
    const uri = await vscode.window.showSaveDialog({
      title: 'Pinpoint: Save the training file', defaultUri: vscode.Uri.joinPath(folder.uri, DEFAULT_EXPORT_FILE), filters: { 'JSON Lines': ['jsonl'] },
    });
    if (!uri) return undefined;
    out = uri.fsPath;
  }
  const trainFile = out;
  const sources: TraceSource[] = [{ store: new TraceStore(traceDir) }];
  if (synthetic) sources.push({ store: new TraceStore(traceDir, SYNTHETIC_TRACE_FILE), includeUnrated: true });

  const done = await withCancellableProgress('Pinpoint: exporting fine-tuning data', async (progress, signal) => {
    const res = await exportDataset({ sources, includeUnrated, signal, onProgress: (p) => progress.report({ message: p.message }) });
    if (!res.examples.length) return { res };
    progress.report({ message: `writing ${path.basename(trainFile)}` });
    const written = await writeDataset(res, trainFile);
    progress.report({ message: 'validating' });
    const report = await validateFile(written.trainFile);
    return { res, written, report };
  });
  if (!done) {
    void vscode.window.showInformationMessage('Pinpoint: export cancelled.');
    return undefined;
  }
  const { res } = done;
  const base = { traceDir, read: res.read, train: res.train.length, validation: res.validation.length, excluded: res.excluded };
  services.log.info(`fine-tuning export of ${traceDir}: ${res.read} turn(s) read, ${res.train.length} train, ${res.validation.length} validation; excluded: ${excludedText(res.excluded)}`);
  if (!done.written) {
    const hint = res.read ? (includeUnrated ? '' : ' Rate answers 👍 in the chat, or include unrated answers.') : ' Ask questions in the Pinpoint chat (with a model) and rate the good answers 👍 first.';
    const message = `Pinpoint: 0 examples to export — ${res.read} chat turn(s) found (excluded: ${excludedText(res.excluded)}); no file written.${hint}`;
    void vscode.window.showWarningMessage(message);
    return { ...base, message };
  }
  const { written, report } = done;
  const defects = report.ok ? '' : ` The training file has ${report.defects.length} defect(s).`;
  const message = `Pinpoint: exported ${res.examples.length} example(s): ${res.train.length} train, ${res.validation.length} validation (${res.read} turn(s) read; skipped: ${excludedText(res.excluded)}).${defects}`;
  const open = 'Open File';
  const details = 'Show Details';
  void (report.ok ? vscode.window.showInformationMessage(message, open, details) : vscode.window.showWarningMessage(message, open, details)).then(async (a) => {
    if (a === open) await vscode.window.showTextDocument(vscode.Uri.file(written.trainFile));
    if (a === details) await showReport('Fine-tuning export', `${message.replace(/^Pinpoint: /, '')}\n\nwrote ${[written.trainFile, written.validationFile, written.manifestFile].filter(Boolean).join(', ')}\n\n${formatValidation(report, path.basename(written.trainFile))}`);
  });
  return { ...base, file: written.trainFile, validationFile: written.validationFile, report, message };
}

/** `Pinpoint: Start Fine-tuning Job`: validate a training file, upload it, create the job, follow it, offer its model. */
export async function startFineTuningJob(services: PinpointServices): Promise<void> {
  const client = await fineTuneClient(services); // no key or untrusted: say so before any dialog
  if (!client) return;
  const folder = vscode.workspace.workspaceFolders?.[0];
  const picked = await vscode.window.showOpenDialog({
    title: 'Pinpoint: Training file', canSelectMany: false, filters: { 'JSON Lines': ['jsonl'] },
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder.uri, DEFAULT_EXPORT_FILE) } : {}),
  });
  if (!picked?.length) return;
  const trainFile = picked[0].fsPath;
  const valCandidate = defaultValPath(trainFile);
  const validationFile = valCandidate !== trainFile && existsSync(valCandidate) ? valCandidate : undefined;
  const reports = await Promise.all([validateFile(trainFile), ...(validationFile ? [validateFile(validationFile, { minExamples: 1 })] : [])]);
  const bad = reports.map((r, i) => ({ r, f: i ? validationFile! : trainFile })).filter((x) => !x.r.ok);
  if (bad.length) {
    await showReport('Fine-tuning data: not valid', bad.map((x) => formatValidation(x.r, path.basename(x.f))).join('\n\n'));
    void vscode.window.showErrorMessage(`Pinpoint: ${bad.map((x) => path.basename(x.f)).join(' and ')} cannot be used for fine-tuning (${bad.reduce((n, x) => n + x.r.defects.length, 0)} defect(s), listed in the editor).`);
    return;
  }
  const model = (await vscode.window.showInputBox({ title: 'Pinpoint: Base model', value: DEFAULT_BASE_MODEL, prompt: 'The model to fine-tune (a snapshot id the endpoint can fine-tune)', ignoreFocusOut: true }))?.trim();
  if (!model) return;
  const suffix = await vscode.window.showInputBox({
    title: 'Pinpoint: Model suffix', value: 'pinpoint', prompt: 'Part of the fine-tuned model id (optional, up to 64 characters)', ignoreFocusOut: true,
    validateInput: (v) => (v.length > 64 ? 'at most 64 characters' : undefined),
  });
  if (suffix === undefined) return;
  const job = await withCancellableProgress('Pinpoint: starting fine-tuning', (progress, signal) =>
    startJob(client, { trainFile, validationFile, model, suffix: suffix.trim() || undefined, signal, onProgress: (p) => progress.report({ message: p.message }) }),
  );
  if (!job) {
    void vscode.window.showInformationMessage('Pinpoint: fine-tuning not started (cancelled).');
    return;
  }
  services.log.info(`fine-tuning job ${job.id} created on ${model} (training file ${job.uploaded.training}${job.uploaded.validation ? `, validation ${job.uploaded.validation}` : ''})`);
  await followJob(services, client, job.id);
}
