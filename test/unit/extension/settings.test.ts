// The typed settings registry and the command catalog against package.json. Plain Node: these modules must
// not import `vscode` (the test would fail to load if they did).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../helpers/paths';
import { ALL_SETTINGS, isValid, packageJsonProperties, readSettings, RESTRICTED_SETTINGS, SETTINGS } from '../../../src/extension/settings';
import { COMMANDS, COMMAND_CATEGORY, packageJsonCommands } from '../../../src/extension/commands/catalog';
import { excludeGlobsFrom, expandBraces } from '../../../src/extension/excludes';

interface PackageJson {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] } };
  contributes: {
    configuration: { properties: Record<string, { type: string; default: unknown; enum?: string[]; minimum?: number; maximum?: number; markdownDescription?: string; description?: string }> };
    commands: { command: string; title: string; category?: string }[];
    menus?: { commandPalette?: { command: string; when: string }[] };
  };
}

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
const props = pkg.contributes.configuration.properties;

test('every registry setting is in package.json with the same type, default, enum and bounds', () => {
  for (const def of ALL_SETTINGS) {
    const p = props[def.key];
    assert.ok(p, `${def.key} is missing from package.json contributes.configuration`);
    assert.equal(p.type, def.type, `${def.key}: type`);
    assert.deepEqual(p.default, def.default, `${def.key}: default`);
    assert.deepEqual(p.enum, def.enum ? [...def.enum] : undefined, `${def.key}: enum`);
    assert.equal(p.minimum, def.minimum, `${def.key}: minimum`);
    assert.equal(p.maximum, def.maximum, `${def.key}: maximum`);
    assert.equal(p.markdownDescription ?? p.description, def.description, `${def.key}: description`);
  }
});

test('package.json declares no pinpoint setting the registry lacks (and never an API key)', () => {
  const known = new Set(ALL_SETTINGS.map((d) => d.key));
  for (const key of Object.keys(props)) {
    assert.ok(known.has(key), `${key} is in package.json but not in src/extension/settings.ts`);
    assert.doesNotMatch(key, /api.?key|secret|token/i, `${key}: secrets belong in SecretStorage, not settings`);
  }
  assert.deepEqual(props, packageJsonProperties());
});

test('every default is valid for its own definition', () => {
  for (const def of ALL_SETTINGS) assert.ok(isValid(def, def.default), def.key);
});

test('readSettings falls back to defaults for missing and invalid values', () => {
  const values: Record<string, unknown> = {
    [SETTINGS.chatModel.key]: 'gpt-4.1-mini',
    [SETTINGS.chatToolMode.key]: 'telepathy', // not in the enum
    [SETTINGS.chatMaxToolRounds.key]: -3, // below the minimum
    [SETTINGS.indexExclude.key]: ['dist/', 42],
  };
  const s = readSettings((k) => values[k]);
  assert.equal(s.chatModel, 'gpt-4.1-mini');
  assert.equal(s.chatToolMode, 'native');
  assert.equal(s.chatMaxToolRounds, 6);
  assert.deepEqual(s.indexExclude, []);
  assert.equal(s.embeddingsProvider, 'builtin');
});

test('settings that send data elsewhere are restricted in untrusted workspaces', () => {
  const restricted = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual([...restricted].sort(), [...RESTRICTED_SETTINGS].sort());
  for (const key of restricted) assert.ok(props[key], `${key} is restricted but not contributed`);
});

test('every catalog command is contributed with its title, and nothing else is', () => {
  const expected = packageJsonCommands();
  assert.deepEqual(pkg.contributes.commands, expected.commands);
  assert.deepEqual(pkg.contributes.menus?.commandPalette ?? [], expected.commandPalette);
  for (const c of Object.values(COMMANDS)) assert.match(c.id, /^pinpoint\.[a-zA-Z]+$/);
  assert.ok(pkg.contributes.commands.every((c) => c.category === COMMAND_CATEGORY));
  assert.ok(pkg.activationEvents.includes('onStartupFinished'));
});

test('files.exclude / search.exclude globs become gitignore patterns', () => {
  assert.deepEqual(expandBraces('a/{b,c}/*.{js,ts}'), ['a/b/*.js', 'a/b/*.ts', 'a/c/*.js', 'a/c/*.ts']);
  assert.deepEqual(
    excludeGlobsFrom(
      { '**/.git': true, '**/node_modules': true, 'out': true, 'build/**': true, '**/*.{tmp,bak}': true, '**/*.js': { when: '$(basename).ts' }, 'off': false },
      { '**/node_modules': true, '**': true },
    ),
    ['**/.git', '**/node_modules', '/out', '/build/', '**/*.tmp', '**/*.bak'],
  );
});
