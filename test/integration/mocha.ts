// mocha for the real-VS Code suites, without a compile-time dependency on @types/mocha.
//
// The suites run in the extension host, where `require` resolves from out/test/integration/ upwards: mocha comes
// from the repo's node_modules when it is there (devDependency), else from the tool folder that
// test/realvscode/install.sh fills (always present when run.mjs runs the suites). The few types the suites use
// are declared here, so `tsc -p tsconfig.json` passes even when mocha is not installed in node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

/** `this` inside test and hook functions. */
export interface Context {
  skip(): never;
  timeout(ms: number): void;
}
export type Func = (this: Context) => void | Promise<unknown>;

export interface TestLike {
  fullTitle(): string;
  duration?: number;
}
export interface Runner {
  on(event: 'pass' | 'pending', fn: (test: TestLike) => void): Runner;
  on(event: 'fail', fn: (test: TestLike, err: unknown) => void): Runner;
}
export interface MochaInstance {
  addFile(file: string): MochaInstance;
  grep(re: string | RegExp): MochaInstance;
  run(done: (failures: number) => void): Runner;
}
export interface MochaOptions {
  ui?: 'tdd' | 'bdd';
  timeout?: number;
  color?: boolean;
  reporter?: string;
}
/** The module: a constructor, plus the current file's interface functions while mocha loads test files. */
interface MochaModule {
  new (options?: MochaOptions): MochaInstance;
  suite(title: string, fn: () => void): unknown;
  test(title: string, fn: Func): unknown;
  suiteSetup(fn: Func): void;
  suiteTeardown(fn: Func): void;
  setup(fn: Func): void;
  teardown(fn: Func): void;
}

let cached: MochaModule | undefined;

/** The one mocha instance (the interface functions below only work on the instance that is running). */
export function loadMocha(): MochaModule {
  if (cached) return cached;
  const load = createRequire(__filename);
  try {
    cached = load('mocha') as MochaModule;
  } catch {
    const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/integration → repo
    const fallback = path.join(repoRoot, 'test', 'realvscode', '.tools', 'node_modules', 'mocha');
    if (!existsSync(fallback)) throw new Error('mocha not found: add the devDependency or run bash test/realvscode/install.sh');
    cached = load(fallback) as MochaModule;
  }
  return cached;
}

// mocha's tdd interface, bound while a test file loads (mocha sets these on its module exports on 'pre-require').
export const suite = (title: string, fn: () => void): void => void loadMocha().suite(title, fn);
export const test = (title: string, fn: Func): void => void loadMocha().test(title, fn);
export const suiteSetup = (fn: Func): void => loadMocha().suiteSetup(fn);
export const suiteTeardown = (fn: Func): void => loadMocha().suiteTeardown(fn);
export const setup = (fn: Func): void => loadMocha().setup(fn);
export const teardown = (fn: Func): void => loadMocha().teardown(fn);
