/** The language registry (grammars/languages.json): which language a path is, and where its grammar lives. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface LanguageEntry {
  id: string;
  extensions: string[];
  filenames?: string[];
  /** Query directory under grammars/ (defaults to `id`); TSX shares TypeScript's. */
  queryDir?: string;
  wasm?: { package: string; file: string };
  /** Markdown-style heading boundaries for the line-window chunker. */
  headings?: boolean;
}

export interface Registry {
  languages: LanguageEntry[];
  byId: Map<string, LanguageEntry>;
  /** Language id of a workspace-relative path; `text` when unknown. */
  languageOf(filePath: string): string;
}

export function loadRegistry(file: string): Registry {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { languages: LanguageEntry[] };
  return buildRegistry(raw.languages);
}

export function buildRegistry(languages: LanguageEntry[]): Registry {
  const byId = new Map<string, LanguageEntry>();
  const byExt = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const lang of languages) {
    byId.set(lang.id, lang);
    for (const ext of lang.extensions) if (!byExt.has(ext.toLowerCase())) byExt.set(ext.toLowerCase(), lang.id);
    for (const name of lang.filenames ?? []) byName.set(name, lang.id);
  }
  const cache = new Map<string, string>();
  return {
    languages,
    byId,
    languageOf(filePath: string): string {
      const base = path.posix.basename(filePath.replace(/\\/g, '/'));
      const named = byName.get(base);
      if (named) return named;
      const dot = base.lastIndexOf('.');
      if (dot <= 0 && !base.startsWith('.')) return 'text';
      const ext = base.slice(dot).toLowerCase();
      let id = cache.get(ext);
      if (id === undefined) {
        id = byExt.get(ext) ?? 'text';
        cache.set(ext, id);
      }
      return id;
    },
  };
}
