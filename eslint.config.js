import tseslint from 'typescript-eslint'

const side = ['execa', 'chalk', '@oclif/*', '@inquirer/*', 'systeminformation', 'yaml', 'node:fs', 'node:fs/*', 'node:child_process', 'node:net', 'node:http', 'node:os', 'node:process', 'fs', 'child_process']

export default tseslint.config(
  {ignores: ['dist/**', 'src/gen/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'test/fixtures/**']},
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-console': 'error',
    },
  },
  // STYLE.md §2: commands → cli, services; services → core, io; core → zod. Nothing imports commands/.
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', {name: 'process', message: 'src/core is pure: pass what you need as data.'}],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {group: side, message: 'src/core is pure: side effects live in src/io.'},
            {group: ['**/io/*', '**/services/*', '**/cli/*', '**/commands/*'], message: 'src/core imports only zod and itself.'},
          ],
        },
      ],
    },
  },
  {
    files: ['src/io/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {patterns: [{group: ['chalk', '@oclif/*', '@inquirer/*', '**/services/*', '**/cli/*', '**/commands/*'], message: 'src/io knows nothing of the terminal or the commands.'}]},
      ],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {patterns: [{group: ['execa', 'chalk', '@oclif/*', '@inquirer/*', '**/cli/*', '**/commands/*'], message: 'services join core to io; the terminal is src/cli.'}]},
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {patterns: [{group: ['execa', '**/commands/*'], message: 'one door for child processes: src/io/exec.ts.'}]}],
    },
  },
  {
    files: ['commands/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {patterns: [{group: ['execa', 'systeminformation', 'node:child_process', '**/io/*', '**/core/planner/*'], message: 'a command parses, calls one service and renders (STYLE.md §1).'}]},
      ],
    },
  },
  // STYLE.md §9: zod costs ~0.1 s of start-up. Outside *.schema.ts files, zod and the schema modules are
  // imported for their types only; validation loads them with `await import()` where it is needed.
  {
    files: ['commands/**/*.ts', 'src/**/*.ts'],
    ignores: ['src/**/*.schema.ts', 'src/cli/schemas.ts', 'src/cli/result-schemas.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              allowTypeImports: true,
              group: ['zod', '**/*.schema.js'],
              message: 'import type only; load schemas with `await import()` where you validate (STYLE.md §9).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**', 'scripts/**'],
    rules: {'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off'},
  },
)
