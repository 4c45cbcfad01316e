/**
 * Helpers for integration and e2e tests against the real servers that `npm test` starts (or that the
 * environment names): a fresh migrated database per test file (cloned from a template, so it costs tens of
 * milliseconds), a unique Kafka topic prefix and a unique S3 bucket, so test files never see each other's data.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createLogger, migrate, migrationsDir, type Logger } from '@jmap/platform';
import { readEndpoints, type Endpoints } from './infra/infra.js';

export function testEndpoints(): Endpoints {
  const file = readEndpoints();
  const env = process.env;
  const pick = (k: keyof Endpoints, fallback?: string) => {
    const v = env[k] || file?.[k] || fallback;
    if (!v) throw new Error(`${k} is not set and no local infrastructure is running: run the tests with \`npm test\` or start \`npm run infra:up\``);
    return v;
  };
  return {
    DATABASE_URL: pick('DATABASE_URL'),
    KAFKA_BROKERS: pick('KAFKA_BROKERS'),
    S3_ENDPOINT: pick('S3_ENDPOINT'),
    S3_ACCESS_KEY: pick('S3_ACCESS_KEY', 'minioadmin'),
    S3_SECRET_KEY: pick('S3_SECRET_KEY', 'minioadmin'),
  };
}

export function uniqueName(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex')}`;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function migrationsHash(): string {
  const dir = migrationsDir();
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 12);
}

/**
 * A new database with every migration applied. The first caller per migration set builds a template
 * (serialized by an advisory lock across parallel test workers); later ones clone it.
 */
export async function createTestDatabase(baseUrl = testEndpoints().DATABASE_URL): Promise<{ url: string; drop(): Promise<void> }> {
  const template = `jmap_tpl_${migrationsHash()}`;
  const admin = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(4242)');
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (!exists.rowCount) {
        await admin.query(`CREATE DATABASE "${template}"`);
        await migrate(withDatabase(baseUrl, template));
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(4242)');
    }
    const name = uniqueName('jmap_test_');
    // CREATE DATABASE ... TEMPLATE needs the template to have no other connections; retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (err) {
        if (attempt > 50 || !/being accessed by other users/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const url = withDatabase(baseUrl, name);
    return {
      url,
      drop: async () => {
        const c = new pg.Client({ connectionString: withDatabase(baseUrl, 'postgres') });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  } finally {
    await admin.end();
  }
}

/** A logger for tests: silent unless TEST_LOG_LEVEL is set. */
export function testLogger(service = 'test'): Logger {
  return createLogger(service, process.env.TEST_LOG_LEVEL ?? 'silent');
}
