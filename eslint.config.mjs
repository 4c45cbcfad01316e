// ESLint: typescript-eslint recommended rules plus Nx module boundaries (STYLE.md): libraries are tagged by
// type (app, feature, data-access, domain, util, contracts, testing) and may only depend downwards; domain
// libraries may not import infrastructure packages at all.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.local/**', 'data/**', 'coverage/**', 'deploy/**', 'tests/fixtures/mime/**'] },
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/libs/*/src/**', '../../libs/**'], message: 'Import libraries through @jmap/<name> (their index.ts).' }] },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util', 'type:contracts'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util', 'type:contracts'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:util', 'type:contracts'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain', 'type:util', 'type:contracts'],
              bannedExternalImports: ['@nestjs/*', 'pg', 'kafkajs', 'minio', 'fastify', '@fastify/*'],
            },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'], bannedExternalImports: ['@nestjs/*', 'pg', 'kafkajs', 'minio'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'], bannedExternalImports: ['@nestjs/*', 'pg', 'kafkajs', 'minio'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:util', 'type:contracts', 'type:domain'] },
          ],
        },
      ],
    },
  },
  {
    // Test files may reach anything (including the testing harness).
    files: ['**/*.spec.ts', 'tests/**/*.ts', 'tools/**/*.ts', 'vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
);
