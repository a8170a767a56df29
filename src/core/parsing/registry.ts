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
  /** Files with these extensions whose text matches `pattern` (multiline) are this language: C++ headers named `.h`. */
  sniff?: { extensions: string[]; pattern: string };
}

export interface Registry {
  languages: LanguageEntry[];
  byId: Map<string, LanguageEntry>;
  /** Language id of a workspace-relative path; `text` when unknown. Given the file's text, `sniff` rules apply too. */
  languageOf(filePath: string, text?: string): string;
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
  const sniffs = new Map<string, { id: string; re: RegExp }[]>();
  for (const lang of languages) {
    if (!lang.sniff) continue;
    const re = new RegExp(lang.sniff.pattern, 'm');
    for (const ext of lang.sniff.extensions) {
      const list = sniffs.get(ext.toLowerCase()) ?? [];
      list.push({ id: lang.id, re });
      sniffs.set(ext.toLowerCase(), list);
    }
  }
  const cache = new Map<string, string>();
  /** The lower-cased extension of a path's file name (`.h`; a dotfile's whole name), if it has one. */
  const extOf = (base: string): string | undefined => {
    const dot = base.lastIndexOf('.');
    return dot < 0 ? undefined : base.slice(dot).toLowerCase();
  };
  const byBase = (base: string): string => {
    const named = byName.get(base);
    if (named) return named;
    const ext = extOf(base);
    if (ext === undefined) return 'text';
    let id = cache.get(ext);
    if (id === undefined) {
      id = byExt.get(ext) ?? 'text';
      cache.set(ext, id);
    }
    return id;
  };
  return {
    languages,
    byId,
    languageOf(filePath: string, text?: string): string {
      const base = path.posix.basename(filePath.replace(/\\/g, '/'));
      if (text !== undefined && sniffs.size) {
        const ext = extOf(base);
        for (const r of (ext && sniffs.get(ext)) || []) if (r.re.test(text)) return r.id;
      }
      return byBase(base);
    },
  };
}
