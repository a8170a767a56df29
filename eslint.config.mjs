import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', 'media/vendor/**', 'test/integration/fixture-workspace/**', 'test/realvscode/.tools/**'] },
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
);
