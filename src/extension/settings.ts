/**
 * The one registry of Pinpoint's settings. Plain data, no `vscode` import: the unit test
 * (test/unit/extension/settings.test.ts) loads it in plain Node and checks every key, type, default and enum
 * against package.json's `contributes.configuration`, so the two cannot drift apart.
 *
 * The API key is deliberately not here: it lives in SecretStorage (`Pinpoint: Set API Key`).
 */

export type SettingType = 'string' | 'number' | 'boolean' | 'array';

type ValueOf<T extends SettingType> = T extends 'string' ? string : T extends 'number' ? number : T extends 'boolean' ? boolean : string[];

export interface SettingDef<K extends string = string, T extends SettingType = SettingType> {
  /** Full key, e.g. `pinpoint.chat.model`. */
  readonly key: K;
  readonly type: T;
  readonly default: ValueOf<T>;
  readonly description: string;
  readonly enum?: readonly string[];
  readonly minimum?: number;
  readonly maximum?: number;
}

function defineSetting<K extends string, T extends SettingType>(
  key: K,
  type: T,
  def: ValueOf<T>,
  description: string,
  extra: { enum?: readonly string[]; minimum?: number; maximum?: number } = {},
): SettingDef<K, T> {
  return { key, type, default: def, description, ...extra };
}

export const SETTINGS = {
  chatBaseUrl: defineSetting('pinpoint.chat.baseUrl', 'string', 'https://api.openai.com/v1',
    'OpenAI-compatible base URL of the chat model (OpenAI, Azure, Ollama `http://localhost:11434/v1`, LM Studio, vLLM…).'),
  chatModel: defineSetting('pinpoint.chat.model', 'string', '',
    'Chat model id (e.g. `gpt-4.1-mini` or a fine-tuned `ft:…` id). Empty: answer offline with extractive answers from the index.'),
  chatMaxToolRounds: defineSetting('pinpoint.chat.maxToolRounds', 'number', 6,
    'Tool-calling rounds the assistant may use for one question before it must answer.', { minimum: 0, maximum: 30 }),
  chatToolMode: defineSetting('pinpoint.chat.toolMode', 'string', 'native',
    'How tools reach the model: `native` (OpenAI `tools`; falls back automatically) or `prompt` (described in the prompt).', { enum: ['native', 'prompt'] }),
  embeddingsProvider: defineSetting('pinpoint.embeddings.provider', 'string', 'builtin',
    'Embedder of the index: `builtin` (offline, no download) or `openai` (any OpenAI-compatible `/embeddings` endpoint).', { enum: ['builtin', 'openai'] }),
  embeddingsBaseUrl: defineSetting('pinpoint.embeddings.baseUrl', 'string', 'https://api.openai.com/v1',
    'OpenAI-compatible base URL of the embeddings endpoint (when the provider is `openai`).'),
  embeddingsModel: defineSetting('pinpoint.embeddings.model', 'string', 'text-embedding-3-small',
    'Embedding model id (when the provider is `openai`).'),
  rerankerType: defineSetting('pinpoint.reranker.type', 'string', 'builtin',
    'Second-stage reranker: `builtin` (the local ranking model only), `http` (a cross-encoder behind `/rerank` at `pinpoint.reranker.url`) or `llm` (the chat model scores candidates).',
    { enum: ['builtin', 'http', 'llm'] }),
  rerankerUrl: defineSetting('pinpoint.reranker.url', 'string', '',
    'Base URL of the HTTP reranker (Cohere/Jina/TEI/vLLM/llama.cpp `/rerank` shape), when the reranker is `http`.'),
  rerankerModel: defineSetting('pinpoint.reranker.model', 'string', '',
    'Model name sent to the HTTP reranker (optional).'),
  indexExclude: defineSetting('pinpoint.index.exclude', 'array', [],
    'Extra gitignore-style patterns the index skips (on top of `.gitignore`, `.pinpointignore`, `files.exclude` and `search.exclude`).'),
  indexMaxFileSize: defineSetting('pinpoint.index.maxFileSize', 'number', 1_000_000,
    'Files larger than this many bytes are not indexed.', { minimum: 1_000 }),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingValues = { [N in SettingName]: ValueOf<(typeof SETTINGS)[N]['type']> };

export const ALL_SETTINGS: readonly SettingDef[] = Object.values(SETTINGS);

/** Settings that send workspace data somewhere: ignored in an untrusted workspace's own settings. */
export const RESTRICTED_SETTINGS: readonly string[] = [
  SETTINGS.chatBaseUrl.key, SETTINGS.embeddingsProvider.key, SETTINGS.embeddingsBaseUrl.key, SETTINGS.rerankerType.key, SETTINGS.rerankerUrl.key,
];

/** Whether `value` is acceptable for `def` (type, enum, bounds). */
export function isValid(def: SettingDef, value: unknown): boolean {
  switch (def.type) {
    case 'string':
      return typeof value === 'string' && (!def.enum || def.enum.includes(value));
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && (def.minimum === undefined || value >= def.minimum) && (def.maximum === undefined || value <= def.maximum);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
  }
}

/** All values, read through `get` (a VS Code configuration in the extension, a map in tests); invalid values fall back to defaults. */
export function readSettings(get: (key: string) => unknown): SettingValues {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(SETTINGS) as [SettingName, SettingDef][]) {
    const v = get(def.key);
    out[name] = v !== undefined && isValid(def, v) ? v : def.default;
  }
  return out as SettingValues;
}

/** The `contributes.configuration.properties` object package.json must hold (used by the test, and to regenerate it). */
export function packageJsonProperties(): Record<string, Record<string, unknown>> {
  const props: Record<string, Record<string, unknown>> = {};
  for (const def of ALL_SETTINGS) {
    props[def.key] = {
      type: def.type,
      ...(def.type === 'array' ? { items: { type: 'string' } } : {}),
      default: def.default,
      ...(def.enum ? { enum: [...def.enum] } : {}),
      ...(def.minimum !== undefined ? { minimum: def.minimum } : {}),
      ...(def.maximum !== undefined ? { maximum: def.maximum } : {}),
      markdownDescription: def.description,
    };
  }
  return props;
}
