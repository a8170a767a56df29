/**
 * Child process for the crash-safety test: edits files of the workspace and re-indexes them in a loop,
 * flushing constantly, until the parent kills it with SIGKILL at a random moment.
 *   node crashChild.js <root> <indexDir> <seed>
 */
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { openWorkspaceIndex } from '../../src/core/index/workspaceIndex';
import { writeFile } from './workspace';

async function main() {
  const [root, indexDir, seedArg] = process.argv.slice(2);
  let seed = Number(seedArg);
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const idx = await openWorkspaceIndex({ root, indexDir, owner: 'crash-child', workers: 0 });
  await idx.indexer.resync();
  process.stdout.write('ready\n');
  for (let round = 0; ; round++) {
    const changed: string[] = [];
    for (let i = 0; i < 8; i++) {
      const n = rand(40);
      const rel = `src/mod${n}.ts`;
      writeFile(root, rel, moduleText(n, round + i));
      changed.push(rel);
    }
    await idx.indexer.updateFiles(changed);
    if (round % 3 === 2) {
      const gone = `src/mod${rand(40)}.ts`;
      rmSync(path.join(root, gone), { force: true });
      await idx.indexer.removeFiles([gone]);
    }
    await idx.indexer.flush();
    if (round % 5 === 4) await idx.indexer.indexAll();
  }
}

export function moduleText(n: number, version: number): string {
  let s = `/** Module ${n}, version ${version}. */\n`;
  for (let f = 0; f < 6; f++) {
    s += `export function handler${n}_${f}(input: string): string {\n  const v${version} = input.repeat(${f + 1});\n  return v${version} + '${n}';\n}\n\n`;
  }
  s += `export class Service${n} {\n  run(x: number) {\n    return x * ${version};\n  }\n}\n`;
  return s;
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(String(e) + '\n');
    process.exit(1);
  });
}
