/**
 * Which model the assistant uses, with the ids it used before: `switchModel` after a fine-tuning job
 * succeeded, `rollbackModel` to go back. The state lives behind a tiny store interface: a JSON file for
 * the CLI (`JsonSettingsStore`), VS Code settings for the extension.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface ModelSettingsState {
  /** The model the assistant uses; null = the configured default. */
  model: string | null;
  /** Earlier models, the most recent last (at most `MAX_HISTORY`). */
  previous: string[];
  /** ISO 8601 of the last change. */
  updated?: string;
}

export interface SettingsStore {
  load(): Promise<ModelSettingsState>;
  save(state: ModelSettingsState): Promise<void>;
}

export const MAX_HISTORY = 10;
export const MODEL_SETTINGS_FILE = 'assistant-model.json';

/** A JSON file (written to a temp file, then renamed). A missing file is the empty state. */
export class JsonSettingsStore implements SettingsStore {
  constructor(readonly file: string) {}

  async load(): Promise<ModelSettingsState> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { model: null, previous: [] };
      throw e;
    }
    let v: Partial<ModelSettingsState>;
    try {
      v = JSON.parse(text) as Partial<ModelSettingsState>;
    } catch {
      throw new Error(`${this.file} is not valid JSON: fix or delete it`);
    }
    return {
      model: typeof v.model === 'string' && v.model ? v.model : null,
      previous: Array.isArray(v.previous) ? v.previous.filter((m): m is string => typeof m === 'string' && !!m) : [],
      ...(typeof v.updated === 'string' ? { updated: v.updated } : {}),
    };
  }

  async save(state: ModelSettingsState): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    await fs.writeFile(tmp, JSON.stringify(state, null, 2) + '\n');
    await fs.rename(tmp, this.file);
  }
}

/** In memory (tests, or a host that persists elsewhere). */
export class MemorySettingsStore implements SettingsStore {
  constructor(private state: ModelSettingsState = { model: null, previous: [] }) {}
  async load(): Promise<ModelSettingsState> {
    return { ...this.state, previous: [...this.state.previous] };
  }
  async save(state: ModelSettingsState): Promise<void> {
    this.state = { ...state, previous: [...state.previous] };
  }
}

/** Makes `newId` the assistant's model; the current one (if any) becomes the one to roll back to. */
export async function switchModel(store: SettingsStore, newId: string): Promise<ModelSettingsState> {
  const id = newId.trim();
  if (!id) throw new Error('switchModel: the model id is empty');
  const s = await store.load();
  if (s.model === id) return s;
  const previous = s.model ? [...s.previous, s.model].slice(-MAX_HISTORY) : s.previous;
  const next = { model: id, previous, updated: new Date().toISOString() };
  await store.save(next);
  return next;
}

/** Goes back to the model used before the last switch. Throws when there is none. */
export async function rollbackModel(store: SettingsStore): Promise<ModelSettingsState> {
  const s = await store.load();
  if (!s.previous.length) throw new Error(s.model ? `nothing to roll back to: ${s.model} is the only model recorded` : 'nothing to roll back to: no model was switched');
  const previous = [...s.previous];
  const model = previous.pop()!;
  const next = { model, previous, updated: new Date().toISOString() };
  await store.save(next);
  return next;
}

/** The model the assistant should use: the switched-to one, else `fallback`. */
export async function activeModel(store: SettingsStore, fallback?: string): Promise<string | undefined> {
  return (await store.load()).model ?? fallback;
}
