// typescript-eslint with type-checked rules: no-floating-promises matters in
// async harness code (a forgotten await leaks a VNF instance or a process).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.bench-build/**',
      'node_modules/**',
      'results/**',
      'coverage/**',
      '*.config.*',
      // CommonJS config of dependency-cruiser (npm run deps), outside the TypeScript project.
      '.dependency-cruiser.cjs',
      'scripts/**/*.mjs',
      // The addon's install script runs at npm install, before any dev dependency: plain Node, no TypeScript.
      'native/**/*.mjs',
      'native/udp-batch/build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Port implementations are async by contract even when a fake answers at once.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
    },
  },
);
