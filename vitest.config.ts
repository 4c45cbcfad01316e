/**
 * Three test kinds, each its own project (STYLE.md convention 8):
 *   unit  *.spec.ts      pure logic, no servers
 *   int   *.int.spec.ts  real PostgreSQL, Kafka and S3 (endpoints from the environment; `npm test` starts them)
 *   e2e   *.e2e.spec.ts  the running services over HTTP
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import { tsPaths } from './tools/workspace/projects.js';

const alias = Object.fromEntries(Object.entries(tsPaths()).map(([k, [v]]) => [k, resolve(import.meta.dirname, v)]));
const exclude = ['**/node_modules/**', '**/dist/**', '**/.local/**'];

export default defineConfig({
  resolve: { alias },
  test: {
    reporters: process.env.CI ? ['default'] : ['default'],
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['{apps,libs,tools,tests}/**/*.spec.ts'],
          exclude: [...exclude, '**/*.int.spec.ts', '**/*.e2e.spec.ts'],
          testTimeout: 20_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'int',
          include: ['{apps,libs,tools,tests}/**/*.int.spec.ts'],
          exclude,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Integration tests share the servers; files run in parallel up to the machine's two cores.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['{apps,libs,tools,tests}/**/*.e2e.spec.ts'],
          exclude,
          testTimeout: 180_000,
          hookTimeout: 240_000,
          // e2e files start whole process trees; one file at a time keeps two cores from thrashing.
          fileParallelism: false,
        },
      },
    ],
  },
});
