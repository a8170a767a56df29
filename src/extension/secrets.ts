import * as vscode from 'vscode';

const API_KEY = 'pinpoint.apiKey';

/**
 * The model API key. Only in SecretStorage (never a setting, never logged); the environment's
 * OPENAI_API_KEY is a fallback only when the extension runs in development or tests.
 */
export class ApiKeyStore {
  private last: string | undefined;

  constructor(private readonly context: vscode.ExtensionContext) {}

  async get(): Promise<string | undefined> {
    const stored = await this.context.secrets.get(API_KEY);
    this.last = stored || (this.context.extensionMode !== vscode.ExtensionMode.Production ? process.env.OPENAI_API_KEY || undefined : undefined);
    return this.last;
  }

  /** The key as of the last `get` (for synchronous callers; kept fresh by the extension on every change). */
  get cached(): string | undefined {
    return this.last;
  }

  async set(key: string): Promise<void> {
    await this.context.secrets.store(API_KEY, key);
    this.last = key;
  }

  async clear(): Promise<void> {
    await this.context.secrets.delete(API_KEY);
    await this.get();
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.context.secrets.onDidChange((e) => {
      if (e.key === API_KEY) listener();
    });
  }
}
