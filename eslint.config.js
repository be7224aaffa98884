// Lint configuration: typescript-eslint recommended rules on all TypeScript sources, no import cycles anywhere
// (eslint-plugin-import-x `no-cycle`), and no source file in src/ or conformance/ over 800 lines (DESIGN "Seams":
// a file that passes ~800 lines is doing several things).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '.cache/**', '**/*.local.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // imports carry their .ts extension, so Node's own resolution finds every module
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts', 'conformance/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 800, skipBlankLines: false, skipComments: false }],
    },
  },
  {
    // DESIGN: everything outside the engine is its client, through src/core/index.ts only (tests of the engine
    // itself, under test/core, may reach its internals)
    files: ['**/*.ts'],
    ignores: ['src/core/**', 'test/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/*', '**/core/**', '!**/core/index.ts'],
              message: 'import the engine through src/core/index.ts only',
            },
          ],
        },
      ],
    },
  },
  {
    // deterministic code: the engine, the simulator and the strategies draw randomness only from seeded generators
    files: ['src/core/**', 'src/sim/**', 'src/strategies/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'use a seeded generator (src/sim/prng.ts), never Math.random' },
      ],
    },
  },
);
