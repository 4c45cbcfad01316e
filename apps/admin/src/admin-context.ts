/**
 * Where the admin command line finds the servers, in order:
 *   1. the environment (DATABASE_URL; S3_ENDPOINT and the other S3_* variables),
 *   2. a standalone server (`npm start`) running on DATA_DIR (see `standaloneEndpoints`): checked first among
 *      the local ones because it is known to be alive, while the files below may outlive what they describe,
 *   3. a running `npm run stack` (.local/stack/stack.json),
 *   4. a running `npm run infra:up` (.local/infra/endpoints.json),
 *   5. a stopped standalone server's data directory: its embedded PostgreSQL is started for the command (holding
 *      the directory's lock, so a server cannot start on it meanwhile) and stopped after it. With DATA_DIR set
 *      explicitly this comes before 3 and 4.
 * Connections are opened on first use, so `--help` and usage errors need no server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { AccountsRepository } from '@jmap/accounts';
import { FsBlobStore, S3BlobStore, type BlobStore } from '@jmap/blob-store';
import {
  DataDirLockedError,
  EmbeddedDatabase,
  dataDirPaths,
  lockDataDir,
  readDataDirState,
  runningServer,
} from '@jmap/embedded';
import { createPool, loadConfig, type Logger, type Pool } from '@jmap/platform';
import { CommandError } from './cli.js';

interface Endpoints {
  DATABASE_URL?: string;
  S3_ENDPOINT?: string;
  S3_ACCESS_KEY?: string;
  S3_SECRET_KEY?: string;
}

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function readJson<T>(file: string): T | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : null;
}

/** The endpoints of a running `npm run stack`, else of a running `npm run infra:up`. */
function localEndpoints(): { source: string; endpoints: Endpoints } | null {
  const stack = readJson<{ endpoints: Endpoints }>(join(repoRoot, '.local', 'stack', 'stack.json'));
  if (stack) return { source: '.local/stack/stack.json', endpoints: stack.endpoints };
  const infra = readJson<Endpoints>(join(repoRoot, '.local', 'infra', 'endpoints.json'));
  if (infra) return { source: '.local/infra/endpoints.json', endpoints: infra };
  return null;
}

/**
 * HOOK for the standalone server's data directory: a server started with `npm start` records its embedded
 * database in DATA_DIR/standalone.json while it runs (libs/embedded). Blobs are then files under DATA_DIR/blobs,
 * so there is no S3 endpoint. A stopped standalone server is not started from here.
 */
function standaloneEndpoints(dataDir: string): Endpoints | null {
  const running = runningServer(dataDir);
  return running ? { DATABASE_URL: running.databaseUrl } : null;
}

export class AdminContext {
  private pool?: Pool;
  private store?: BlobStore;
  /** The embedded PostgreSQL of a stopped standalone data directory, started for this command. */
  private embedded?: { db: EmbeddedDatabase; url: string; unlock: () => void };
  readonly logger: Logger = pino(
    { name: 'admin', level: process.env.LOG_LEVEL || 'warn' },
    pino.destination(2),
  );

  /**
   * Starts the embedded PostgreSQL of a stopped standalone data directory when that is where the command's data
   * is (see the order above). Called once before the command runs.
   */
  async open(): Promise<void> {
    const env = loadConfig(['DATABASE_URL', 'DATA_DIR']);
    if (env.DATABASE_URL || standaloneEndpoints(env.DATA_DIR)) return;
    if (!process.env.DATA_DIR && localEndpoints()) return;
    const paths = dataDirPaths(env.DATA_DIR);
    if (!existsSync(join(paths.postgres, 'PG_VERSION'))) return;
    let unlock: () => void;
    try {
      unlock = lockDataDir(paths.root);
    } catch (err) {
      if (err instanceof DataDirLockedError) throw new CommandError(err.message);
      throw err;
    }
    const say = (m: string) => process.stderr.write(`[admin] ${m}\n`);
    say(`starting the embedded PostgreSQL of the stopped server in ${paths.root} for this command`);
    const db = new EmbeddedDatabase({
      dir: paths.postgres,
      port: readDataDirState(paths.root).postgresPort,
      log: say,
    });
    try {
      this.embedded = { db, url: await db.start(), unlock };
    } catch (err) {
      await db.stop().catch(() => undefined);
      unlock();
      throw err;
    }
  }

  databaseUrl(): string {
    const env = loadConfig(['DATABASE_URL', 'DATA_DIR']);
    const url =
      env.DATABASE_URL ??
      this.embedded?.url ??
      standaloneEndpoints(env.DATA_DIR)?.DATABASE_URL ??
      localEndpoints()?.endpoints.DATABASE_URL;
    if (!url) {
      throw new CommandError(
        'no database: set DATABASE_URL, or run `npm run stack`, `npm run infra:up` or `npm start` (DATA_DIR) in this checkout',
      );
    }
    return url;
  }

  db(): Pool {
    this.pool ??= createPool(this.databaseUrl(), 2, 'admin');
    return this.pool;
  }

  accounts(): AccountsRepository {
    return new AccountsRepository(this.db());
  }

  /** The blob store the services use: S3 from the environment or the local stack/infra, else files (standalone). */
  blobStore(): BlobStore {
    if (this.store) return this.store;
    const cfg = loadConfig([
      'S3_ENDPOINT',
      'S3_REGION',
      'S3_BUCKET',
      'S3_ACCESS_KEY',
      'S3_SECRET_KEY',
      'BLOB_DIR',
      'DATA_DIR',
    ]);
    // A standalone data directory (running or stopped) keeps its blobs as files under it.
    const local =
      cfg.S3_ENDPOINT || this.embedded
        ? null
        : (standaloneEndpoints(cfg.DATA_DIR) ?? localEndpoints()?.endpoints);
    const endpoint = cfg.S3_ENDPOINT ?? local?.S3_ENDPOINT;
    this.store = endpoint
      ? new S3BlobStore({
          endpoint,
          region: cfg.S3_REGION,
          bucket: cfg.S3_BUCKET,
          accessKey: process.env.S3_ACCESS_KEY
            ? cfg.S3_ACCESS_KEY
            : (local?.S3_ACCESS_KEY ?? cfg.S3_ACCESS_KEY),
          secretKey: process.env.S3_SECRET_KEY
            ? cfg.S3_SECRET_KEY
            : (local?.S3_SECRET_KEY ?? cfg.S3_SECRET_KEY),
        })
      : new FsBlobStore(resolve(cfg.BLOB_DIR ?? join(cfg.DATA_DIR, 'blobs')));
    return this.store;
  }

  async close(): Promise<void> {
    await this.pool?.end();
    if (this.embedded) {
      await this.embedded.db.stop();
      this.embedded.unlock();
    }
  }
}
