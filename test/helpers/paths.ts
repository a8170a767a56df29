import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The repository root, found from the compiled test's location (out/test/...) or the source tree. */
export const repoRoot: string = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'grammars'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found from ' + __dirname);
    dir = up;
  }
  return dir;
})();

export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
