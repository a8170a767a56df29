/**
 * bench/leadWords: the table behind the chunk feature `leadAssoc` (src/core/search/leadWords.json): which first words
 * of a doc sentence go with which first parts of a function's name ("returns" with `get`, "creates" with `new`,
 * "checks" with `is`), mined from documented functions the way bench/nbowPairs.ts mines its pairs.
 *   node out/bench/leadWords.js --counts a.json owner/name=/path/to/checkout …   (count one share of the repositories)
 *   node out/bench/leadWords.js --merge a.json b.json … --out src/core/search/leadWords.json
 * A pair counts once per documented function or method outside tests, examples, docs and vendored code: the stem of
 * its first sentence's first content word (the sentence with the function's own name masked, as `parseQuery` reads
 * a query's words) and the stem of its name's first part. The table keeps, for each lead word seen often enough, the
 * name parts it goes with more often than chance: log(P(part | word) / P(part)). Use repositories that no evaluation
 * set uses (bench/repos.json `train`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FsHost } from '../src/core/fsHost';
import { createChunker } from '../src/core/parsing';
import { scanWorkspace } from '../src/core/scan';
import { isDocPath, isExamplePath, isTestPath } from '../src/core/search/repoView';
import { parseQuery } from '../src/core/search/query';
import { stem } from '../src/core/text/stem';
import { identifierParts } from '../src/core/text/tokenize';
import { arg } from './common';
import { firstSentence, maskName } from './docstringSet';

const CODE = /\.(py|go|ts|tsx|js|mjs|cjs|java|rs|rb|php|c|h|cc|cpp|hpp|cs)$/;
const VENDORED = /(^|\/)(vendor|deps|third_party|node_modules|dist)\//i;

/** Counts of (lead word stem → name first-part stem → functions), by repository. */
type Pairs = Record<string, Record<string, number>>;
interface Counts {
  byRepo: Record<string, Pairs>;
}

/** The pair a documented function gives, or undefined: the sentence's first content word and the name's first part. */
export function leadPair(doc: string, name: string): [string, string] | undefined {
  const sentence = maskName(firstSentence(doc), name);
  const lead = sentence && parseQuery(sentence).words[0];
  const first = identifierParts(name)[0];
  return lead && first && /^[a-z]{2,}$/.test(first) ? [stem(lead), stem(first)] : undefined;
}

async function count(dir: string, into: Pairs): Promise<number> {
  const chunker = createChunker({ treeCache: 0 });
  let n = 0;
  await scanWorkspace(new FsHost(dir), chunker, {
    onChunks: (p, cs) => {
      if (!CODE.test(p) || isTestPath(p) || isExamplePath(p) || isDocPath(p, chunker.languageOf(p)) || VENDORED.test(p)) return;
      for (const c of cs) {
        if ((c.kind !== 'function' && c.kind !== 'method') || c.part || !c.doc.trim() || c.name.length < 3) continue;
        const pair = leadPair(c.doc, c.name);
        if (!pair) continue;
        const row = (into[pair[0]] ??= Object.create(null) as Record<string, number>); // no prototype: parts like `constructor`
        row[pair[1]] = (row[pair[1]] ?? 0) + 1;
        n++;
      }
    },
  });
  return n;
}

/**
 * The table: for lead words seen `minLead`+ times, the parts seen with them in `minRepos`+ repositories and more often
 * than chance. A repository counts a pair at most `cap` times, so that one codebase's naming habit (a builder whose
 * every method is documented "Builds …") is not taken for the language's.
 */
export function associations(byRepo: Record<string, Pairs>, minLead = 40, minRepos = 4, cap = 20): Record<string, Record<string, number>> {
  const pairs: Pairs = Object.create(null) as Pairs;
  const repos: Pairs = Object.create(null) as Pairs;
  for (const counts of Object.values(byRepo)) {
    for (const [lead, row] of Object.entries(counts)) {
      const into = (pairs[lead] ??= Object.create(null) as Record<string, number>);
      const seen = (repos[lead] ??= Object.create(null) as Record<string, number>);
      for (const [p, k] of Object.entries(row)) {
        into[p] = (into[p] ?? 0) + Math.min(k, cap);
        seen[p] = (seen[p] ?? 0) + 1;
      }
    }
  }
  const partTotals = new Map<string, number>();
  let total = 0;
  for (const row of Object.values(pairs)) {
    for (const [p, k] of Object.entries(row)) {
      partTotals.set(p, (partTotals.get(p) ?? 0) + k);
      total += k;
    }
  }
  const out: Record<string, Record<string, number>> = {};
  for (const lead of Object.keys(pairs).sort()) {
    const row = pairs[lead];
    const n = Object.values(row).reduce((a, b) => a + b, 0);
    if (n < minLead) continue;
    const kept: [string, number][] = [];
    for (const [p, k] of Object.entries(row)) {
      if (repos[lead][p] < minRepos) continue;
      const pmi = Math.log((k / n) / ((partTotals.get(p) ?? 1) / total));
      if (pmi > 0) kept.push([p, Math.round(pmi * 100) / 100]);
    }
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (kept.length) out[lead] = Object.fromEntries(kept);
  }
  return out;
}

async function main() {
  const countsFile = arg('--counts');
  const outFile = arg('--out');
  if (countsFile) {
    const counts: Counts = { byRepo: {} };
    for (const s of process.argv.slice(2).filter((a) => a.includes('=') && !a.startsWith('--'))) {
      const [repo, dir] = s.split('=');
      const pairs = Object.create(null) as Pairs;
      const n = await count(dir, pairs);
      counts.byRepo[repo] = pairs;
      process.stderr.write(`${repo}: ${n} documented functions\n`);
      writeFileSync(countsFile, JSON.stringify(counts));
    }
    return;
  }
  const merge = process.argv.indexOf('--merge');
  if (merge < 0 || !outFile) throw new Error('usage: leadWords.js --counts FILE owner/name=DIR … | --merge A.json B.json … --out FILE');
  const byRepo: Record<string, Pairs> = {};
  for (const f of process.argv.slice(merge + 1).filter((a) => a.endsWith('.json') && a !== outFile)) {
    Object.assign(byRepo, (JSON.parse(readFileSync(f, 'utf8')) as Counts).byRepo);
  }
  const table = associations(byRepo);
  const source = `bench/leadWords.ts over ${Object.keys(byRepo).length} repositories (bench/repos.json train), ${new Date().toISOString().slice(0, 10)}`;
  writeFileSync(outFile, JSON.stringify({ source, leads: table }, null, 0) + '\n');
  process.stderr.write(`${Object.keys(table).length} lead words, ${Object.values(table).reduce((a, r) => a + Object.keys(r).length, 0)} pairs\n`);
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
