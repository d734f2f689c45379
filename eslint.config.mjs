import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', '.cache/', 'test-results/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The core is shared by the engine, the CLI and tests: it must never reach for the editor.
    files: ['src/core/**/*.ts', 'src/protocol/**/*.ts', 'src/engine/**/*.ts', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'Only src/host may import vscode.' }] },
      ],
    },
  },
  {
    // The extension host must never load ONNX Runtime: only the engine process does.
    files: ['src/host/**/*.ts', 'src/extension.ts', 'webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'onnxruntime-node', message: 'ONNX Runtime runs in the engine process only.' }] },
      ],
    },
  },
);
