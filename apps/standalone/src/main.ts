/**
 * npm start: the whole JMAP server in one process with embedded defaults (no Kafka, MinIO or PostgreSQL to
 * install): embedded PostgreSQL and files under DATA_DIR, the in-process bus. `npm start -- --help` for options.
 */
import { parseArgs } from 'node:util';
import { AccountsRepository, generatePassword } from '@jmap/accounts';
import { DataDirLockedError, EmbeddedDatabase, dataDirPaths, lockDataDir, readDataDirState, writeDataDirState } from '@jmap/embedded';
import type { CommandProcessor } from '@jmap/event-store';
import { provisionDefaultIdentity } from '@jmap/identity-service';
import { provisionDefaultMailboxes } from '@jmap/mailbox-service';
import { PG_POOL, loadConfig, migrate, serviceLogger, type Pool } from '@jmap/platform';
import { COMMAND_PROCESSOR, runApp } from '@jmap/runtime';
import { standaloneModule } from './standalone.module.js';

const HELP = `Usage: npm start -- [options]

Runs the JMAP server in one process: embedded PostgreSQL, blobs as files and an in-process message bus,
all kept under the data directory. Every option can also be set by its environment variable.

Options:
  --port <n>        JMAP HTTP port (PORT, default 8080)
  --host <addr>     address to listen on (HOST, default 127.0.0.1)
  --data-dir <dir>  where everything is kept (DATA_DIR, default ./data)
  -h, --help        show this help

Switch a component to a real server with DATABASE_URL, S3_ENDPOINT or KAFKA_BROKERS (see README.md).
Mail: LMTP_PORT (and SMTP_PORT) start listeners that deliver into the Inboxes; SMTP_RELAY_URL sends mail for
other domains through a relay (without it, only accounts of this server receive what is sent).
The first start creates a demo account and prints its password once.
Manage accounts with: npm run admin -- account create <email> --password <pw>
`;

const say = (m: string) => process.stdout.write(`[jmap] ${m}\n`);

function applyArgs(): void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  if (values.port) process.env.PORT = values.port;
  if (values.host) process.env.HOST = values.host;
  if (values['data-dir']) process.env.DATA_DIR = values['data-dir'];
}

async function createDemoAccount(pool: Pool, processor: CommandProcessor, url: string): Promise<void> {
  const email = 'demo@example.com';
  const repo = new AccountsRepository(pool);
  const password = generatePassword(16);
  const existing = await repo.principalByEmail(email);
  if (existing) return;
  const { accountId } = await repo.createAccount({ email, password, name: 'Demo' });
  await provisionDefaultMailboxes(processor, accountId);
  await provisionDefaultIdentity(processor, accountId);
  say('created the demo account (shown once; reset it with: npm run admin -- password reset demo@example.com)');
  say(`  session:  ${url}/.well-known/jmap`);
  say(`  user:     ${email}`);
  say(`  password: ${password}`);
}

/** Where mail comes in and goes out, for the start-up summary. */
function mailPaths(): string {
  const listeners = [
    process.env.LMTP_PORT ? `LMTP on port ${process.env.LMTP_PORT}` : null,
    process.env.SMTP_PORT ? `SMTP on port ${process.env.SMTP_PORT}` : null,
  ].filter(Boolean);
  const inbound = listeners.length ? `receiving ${listeners.join(' and ')}` : 'no LMTP/SMTP listener (set LMTP_PORT)';
  const relay = process.env.SMTP_RELAY_URL
    ? `sending through the SMTP relay ${new URL(process.env.SMTP_RELAY_URL).host}`
    : 'no SMTP relay configured (SMTP_RELAY_URL): only local delivery';
  return `${inbound}; ${relay}`;
}

async function main(): Promise<void> {
  try {
    applyArgs();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  const started = Date.now();
  const cfg = loadConfig(['DATA_DIR', 'PORT', 'HOST', 'DATABASE_URL', 'S3_ENDPOINT', 'KAFKA_BROKERS', 'BLOB_DIR']);
  const paths = dataDirPaths(cfg.DATA_DIR);
  let unlock: () => void;
  try {
    unlock = lockDataDir(paths.root);
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      process.stderr.write(`[jmap] ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let db: EmbeddedDatabase | null = null;
  let databaseUrl = cfg.DATABASE_URL;
  if (!databaseUrl) {
    say(`starting the embedded PostgreSQL in ${paths.postgres}`);
    const previous = readDataDirState(paths.root).postgresPort;
    db = new EmbeddedDatabase({ dir: paths.postgres, port: previous, log: say });
    databaseUrl = await db.start();
    writeDataDirState(paths.root, (s) => ({ ...s, postgresPort: db!.port }));
  }
  say('applying database migrations');
  const { applied } = await migrate(databaseUrl, serviceLogger('standalone'));
  if (applied.length) say(`applied ${applied.length} migrations`);
  if (!cfg.S3_ENDPOINT && !cfg.BLOB_DIR) process.env.BLOB_DIR = paths.blobs;
  const url = `http://${cfg.HOST}:${cfg.PORT}`;

  const shutdown = async () => {
    writeDataDirState(paths.root, (s) => ({ ...s, running: undefined }));
    if (db) {
      say('stopping the embedded PostgreSQL');
      await db.stop();
    }
    unlock();
    say('stopped');
  };
  const app = await runApp('standalone', standaloneModule(databaseUrl, shutdown), { http: true });
  writeDataDirState(paths.root, (s) => ({ ...s, running: { pid: process.pid, databaseUrl: databaseUrl!, url, startedAt: new Date().toISOString() } }));

  if (!readDataDirState(paths.root).demoAccountCreated) {
    await createDemoAccount(app.get<Pool>(PG_POOL), app.get<CommandProcessor>(COMMAND_PROCESSOR), url);
    writeDataDirState(paths.root, (s) => ({ ...s, demoAccountCreated: true }));
  }
  const embedded = [db ? 'PostgreSQL' : null, cfg.S3_ENDPOINT ? null : 'file blobs', cfg.KAFKA_BROKERS ? null : 'in-process bus'].filter(Boolean);
  say(
    `ready in ${((Date.now() - started) / 1000).toFixed(1)}s: JMAP at ${url}/.well-known/jmap; data in ${paths.root}; ` +
      `embedded: ${embedded.join(', ') || 'nothing'}; ${mailPaths()}`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`[jmap] start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
