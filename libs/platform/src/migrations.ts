/**
 * Database migrations with node-pg-migrate: plain SQL files in migrations/ (numbered, applied in order, each in
 * a transaction, recorded in the `pgmigrations` table). Concurrent runners (several replicas starting at once)
 * serialize on node-pg-migrate's advisory lock, so running it at every start is safe.
 */
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { Logger } from './logger.js';

export function migrationsDir(): string {
  return process.env.MIGRATIONS_DIR || fileURLToPath(new URL('../../../migrations', import.meta.url));
}

export interface MigrationResult {
  applied: string[];
}

export async function migrate(
  databaseUrl: string,
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>,
  direction: 'up' | 'down' = 'up',
  count?: number,
): Promise<MigrationResult> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir(),
    migrationsTable: 'pgmigrations',
    direction,
    count: count ?? (direction === 'up' ? Infinity : 1),
    checkOrder: true,
    singleTransaction: true,
    verbose: false,
    log: () => undefined,
    logger: {
      debug: () => undefined,
      info: (m: string) => logger?.info({ migration: m }, 'migration'),
      warn: (m: string) => logger?.warn({ migration: m }, 'migration'),
      error: (m: string) => logger?.error({ migration: m }, 'migration'),
    },
  });
  return { applied: applied.map((m) => m.name) };
}
