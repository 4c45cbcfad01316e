/**
 * PostgreSQL access: one pool per process, transactions through `withTransaction`, and the readiness check.
 * BIGINT columns (modseq, sizes) come back as JS numbers: every value we store stays below 2^53 (RFC 8620
 * section 1.3 UnsignedInt), so the conversion is exact.
 */
import pg from 'pg';
import type { HealthCheck } from './health.js';

pg.types.setTypeParser(20, (v: string) => Number(v)); // int8
pg.types.setTypeParser(1700, (v: string) => Number(v)); // numeric (counts from aggregates)

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;

export function createPool(url: string, max: number, applicationName = 'jmap'): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: applicationName,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client that loses its connection (server restart) emits 'error' on the pool; without a listener
  // that would crash the process. The next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A connection of its own with the pool's settings, for LISTEN: a pooled connection goes back to the pool after
 * each query, and a LISTEN lasts only as long as its session.
 */
export function createListenClient(pool: pg.Pool, applicationName: string): ListenClient {
  return new pg.Client({ ...pool.options, application_name: applicationName, keepAlive: true });
}
export type ListenClient = pg.Client;

export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export function postgresHealthCheck(pool: pg.Pool): HealthCheck {
  return {
    name: 'postgres',
    async check() {
      await pool.query('SELECT 1');
    },
  };
}

/** True when err is a PostgreSQL serialization failure or deadlock, which a retry resolves. */
export function isRetryablePgError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === '40001' || code === '40P01' || code === '57P01' || code === 'ECONNRESET' || code === 'ECONNREFUSED';
}
