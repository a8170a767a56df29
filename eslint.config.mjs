import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', 'media/vendor/**', 'test/integration/fixture-workspace/**', 'test/realvscode/.tools/**', 'bench/.work/**', '.dist-*/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // src/core is pure TypeScript: it runs in the CLI and in the extension host, and never imports vscode.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core must not import vscode; go through the Host interface.' }],
        patterns: [{ group: ['**/extension/**', '**/cli/**'], message: 'src/core must not import from src/extension or src/cli.' }] }],
    },
  },
  // Bundle-time shims in scripts/ are plain CommonJS.
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
