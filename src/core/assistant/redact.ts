/**
 * Redaction of secret-looking strings from anything sent to a remote model. Line structure is kept (a
 * redacted private-key block keeps its line count), so line numbers in the text stay right.
 */
interface Rule {
  kind: string;
  re: RegExp;
  /** Replace only this capture group (1-based); default the whole match. */
  group?: number;
}

/** A PEM private-key marker line (`-----BEGIN RSA PRIVATE KEY-----`), as a pattern. */
const pem = (edge: 'BEGIN' | 'END') => `-----${edge} (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----`;

const RULES: Rule[] = [
  // A whole block, BEGIN to END within 16 KB (indented, or one JSON line with `\n` escapes, too). Unbounded, the lazy
  // scan ran from every BEGIN without an END to the end of the text: quadratic.
  { kind: 'private-key', re: new RegExp(String.raw`${pem('BEGIN')}[\s\S]{0,16384}?${pem('END')}`, 'g') },
  // A block cut before its END (a read of part of a file): the key-shaped lines after BEGIN (base64, `Proc-Type:`
  // headers, blank), up to the first line that is not one. Such a block was sent as it was.
  {
    kind: 'private-key',
    re: new RegExp(String.raw`${pem('BEGIN')}(?:(?:\r?\n|\\n)[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z-]+: [^\r\n\\]*)?(?=\r?\n|\\n|["'\`]|$))*`, 'g'),
  },
  { kind: 'openai-key', re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'anthropic-key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { kind: 'stripe-key', re: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { kind: 'aws-access-key', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g },
  { kind: 'github-token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { kind: 'slack-token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'google-api-key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // scheme://user:password@host — only the password
  // (a scheme is at most 32 characters: unbounded, `a-a-a-…` was re-scanned from each word start, quadratic)
  { kind: 'connection-string', re: /\b[a-zA-Z][a-zA-Z0-9+.-]{0,31}:\/\/[^\s:/@'"`]+:([^\s@/'"`]+)@[^\s'"`]/g, group: 1 },
  // password = "…", api_key: '…', "secret": "…" — only the value
  {
    kind: 'assignment',
    // The name around the keyword is bounded (64 characters each side): unbounded, a long run of word characters was
    // matched again from each of its positions (quadratic).
    re: /\b(?:[A-Za-z0-9_]{0,64}?(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token|client[_-]?secret|private[_-]?key)[A-Za-z0-9_]{0,64})["']?\s*(?::=|=>|[:=])\s*(["'`])((?:(?!\1)[^\\\n]|\\.){4,})\1/gi,
    group: 2,
  },
];

const PLACEHOLDER = /\[REDACTED:[a-z-]+\]/;

export interface Redaction {
  text: string;
  count: number;
  kinds: Record<string, number>;
}

/** Replaces secret-looking strings with `[REDACTED:<kind>]`. */
export function redactSecrets(text: string): Redaction {
  let count = 0;
  const kinds: Record<string, number> = {};
  let out = text;
  for (const rule of RULES) {
    out = out.replace(rule.re, (match: string, ...args: unknown[]) => {
      const tag = `[REDACTED:${rule.kind}]`;
      if (rule.group === undefined) {
        count++;
        kinds[rule.kind] = (kinds[rule.kind] ?? 0) + 1;
        return match.includes('\n') ? match.split('\n').map(() => tag).join('\n') : tag;
      }
      const value = args[rule.group - 1];
      if (typeof value !== 'string' || PLACEHOLDER.test(value) || /^\$\{?[A-Za-z_]/.test(value) || /^<[^>]*>$/.test(value)) return match;
      const at = match.lastIndexOf(value);
      count++;
      kinds[rule.kind] = (kinds[rule.kind] ?? 0) + 1;
      return match.slice(0, at) + tag + match.slice(at + value.length);
    });
  }
  return { text: out, count, kinds };
}
