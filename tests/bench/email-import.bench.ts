/**
 * Email/import throughput against the distributed stack (DESIGN.md performance budget: >= 300 messages/s
 * distributed, 5-60 KB messages): starts gateway, mailbox, email and thread services as separate processes on
 * the local PostgreSQL, Kafka (48 partitions, the production default) and MinIO of `npm run infra:up`, creates
 * BENCH_ACCOUNTS accounts, uploads BENCH_MESSAGES synthetic messages of 5-50 KB (synthetic-mail.ts), then imports
 * them with Email/import calls of BENCH_BATCH messages, BENCH_CALLS calls in flight per account. Prints progress,
 * the rates, and where the import phase's CPU went (process-cpu.ts); checks every message landed (emails and
 * inbox counts). BENCH_LOG_LEVEL and BENCH_NODE_OPTIONS reach the services (for diagnosis).
 *
 *   npm run bench:email-import                                   # the defaults below
 *   BENCH_MESSAGES=4000 BENCH_ACCOUNTS=16 BENCH_CALLS=1 npm run bench:email-import
 *   npm run bench:email-import -- --mode standalone               # the `npm start` server, embedded defaults
 *
 * --mode standalone runs apps/standalone (what `npm start` runs) on a fresh DATA_DIR with everything embedded:
 * PostgreSQL in the data directory, blobs as files, the in-process bus instead of Kafka (no DATABASE_URL,
 * S3_ENDPOINT or KAFKA_BROKERS). Accounts are made with the admin command line against the running data directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runningServer } from '@jmap/embedded';
import {
  createTestDatabase,
  freePort,
  testEndpoints,
  JmapTestClient,
  repoRoot,
  runAdmin,
  startTestStack,
  type Credentials,
} from '@jmap/testing';
import { cpuBetween, cpuSnapshot, machineLine, machineSnapshot } from './process-cpu.js';
import { syntheticMessage } from './synthetic-mail.js';

const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
const int = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const MESSAGES = int('BENCH_MESSAGES', 8000);
const ACCOUNTS = int('BENCH_ACCOUNTS', 8);
const BATCH = int('BENCH_BATCH', 100);
const CALLS = int('BENCH_CALLS', 2);
const UPLOADS = 4; // maxConcurrentUpload per account

const { values: args } = parseArgs({
  options: {
    mode: { type: 'string', default: 'distributed' },
    'infra-postgres': { type: 'boolean', default: false },
  },
});
const MODE = args.mode as string;
if (MODE !== 'distributed' && MODE !== 'standalone')
  throw new Error(`--mode distributed|standalone, not ${MODE}`);

const say = (m: string) => process.stdout.write(`[bench] ${m}\n`);

/** What the benchmark runs against: the distributed stack, or the standalone server. */
interface Target {
  createAccount(email: string, password: string): Promise<{ accountId: string }>;
  client(credentials: Credentials): JmapTestClient;
  /** A pool on the target's database, for the final check. */
  db: pg.Pool;
  /** The database's name, to find its PostgreSQL backends for the CPU breakdown. */
  database: string;
  stop(): Promise<void>;
}

async function distributed(): Promise<Target> {
  say(`starting the distributed stack (gateway, mailbox-service, email-service, thread-service)`);
  const stack = await startTestStack({
    services: ['gateway', 'mailbox-service', 'email-service', 'thread-service'],
    env: {
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      KAFKA_PARTITIONS: '48',
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    },
  });
  return {
    createAccount: (email, password) => stack.createAccount(email, password),
    client: (credentials) => stack.client(credentials),
    db: stack.db as unknown as pg.Pool,
    database: new URL(stack.databaseUrl).pathname.slice(1),
    stop: () => stack.stop(),
  };
}

async function standalone(): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jmap-bench-standalone-'));
  // mkdtemp makes it 0700; as root the embedded PostgreSQL runs as "postgres", which must enter it.
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  say(`starting the standalone server (embedded PostgreSQL, file blobs, in-process bus) on ${dataDir}`);
  // The embedded defaults: none of the variables that switch a component to an external one.
  const env: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const name of ['DATABASE_URL', 'S3_ENDPOINT', 'KAFKA_BROKERS']) delete env[name];
  // --infra-postgres (for comparison): the standalone server on a fresh database of `npm run infra:up`'s
  // PostgreSQL, which runs without fsync, instead of its embedded, durable one.
  const external = args['infra-postgres'] ? await createTestDatabase(testEndpoints().DATABASE_URL) : null;
  if (external) env.DATABASE_URL = external.url;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/standalone/src/main.ts'], {
    cwd: repoRoot(),
    env: {
      ...env,
      DATA_DIR: dataDir,
      PORT: String(port),
      OPS_PORT: '0',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/ready in/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`standalone exited (${code}): ${out}`)));
  });
  const databaseUrl = external?.url ?? runningServer(dataDir)?.databaseUrl;
  if (!databaseUrl) throw new Error(`the standalone server recorded no database in ${dataDir}`);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const url = `http://127.0.0.1:${port}`;
  return {
    createAccount: async (email, password) => {
      const r = await runAdmin(['account', 'create', email, '--password', password, '--json'], {
        DATA_DIR: dataDir,
        ...(external ? { DATABASE_URL: external.url } : {}),
      });
      if (r.code !== 0) throw new Error(`account create ${email} failed (${r.code}): ${r.stderr}`);
      return JSON.parse(r.stdout) as { accountId: string };
    },
    client: (credentials) => new JmapTestClient(url, credentials),
    db,
    database: new URL(databaseUrl).pathname.slice(1),
    stop: async () => {
      await db.end();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await external?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Account {
  accountId: string;
  client: JmapTestClient;
  inbox: string;
  messages: Buffer[];
  blobIds: string[];
}

async function setUp(stack: Target): Promise<Account[]> {
  const accounts: Account[] = [];
  for (let a = 0; a < ACCOUNTS; a++) {
    const email = `bench${a}@example.org`;
    const { accountId } = await stack.createAccount(email, 'bench-password');
    const client = stack.client({ email, password: 'bench-password' });
    const res = await client.api(USING, [['Mailbox/get', { accountId, ids: null }, 'm']]);
    const inbox = (res.body.methodResponses[0][1].list as Array<{ id: string; role: string }>).find(
      (m) => m.role === 'inbox',
    )!.id;
    const messages: Buffer[] = [];
    const ids: string[] = [];
    for (let i = a; i < MESSAGES; i += ACCOUNTS) {
      const m = syntheticMessage(a + 1, i, ids);
      messages.push(m.raw);
      ids.push(m.messageId);
    }
    accounts.push({ accountId, client, inbox, messages, blobIds: [] });
  }
  return accounts;
}

/** Runs `task` for 0..n-1 with `concurrency` workers. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await task(i);
    }),
  );
}

function progress(label: string, total: number): (n: number) => void {
  let done = 0;
  let last = 0;
  const started = performance.now();
  return (n) => {
    done += n;
    if (done - last >= total / 10 || done === total) {
      last = done;
      const s = (performance.now() - started) / 1000;
      say(`${label}: ${done}/${total} (${(done / s).toFixed(0)}/s)`);
    }
  };
}

async function uploadAll(accounts: Account[]): Promise<number> {
  const tick = progress('upload', MESSAGES);
  const t0 = performance.now();
  await Promise.all(
    accounts.map((acc) =>
      pool(acc.messages.length, UPLOADS, async (i) => {
        const res = await acc.client.upload(acc.accountId, acc.messages[i], 'message/rfc822');
        if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
        acc.blobIds[i] = res.body.blobId;
        tick(1);
      }),
    ),
  );
  return (performance.now() - t0) / 1000;
}

async function importAll(accounts: Account[]): Promise<{ seconds: number; latencies: number[] }> {
  const tick = progress('import', MESSAGES);
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    accounts.map((acc) =>
      pool(Math.ceil(acc.blobIds.length / BATCH), CALLS, async (b) => {
        const slice = acc.blobIds.slice(b * BATCH, (b + 1) * BATCH);
        const emails = Object.fromEntries(
          slice.map((blobId, i) => [`e${i}`, { blobId, mailboxIds: { [acc.inbox]: true } }]),
        );
        const started = performance.now();
        const res = await acc.client.api(USING, [
          ['Email/import', { accountId: acc.accountId, emails }, 'i'],
        ]);
        latencies.push(performance.now() - started);
        if (res.status !== 200)
          throw new Error(`import failed: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
        const [name, args] = res.body.methodResponses[0];
        if (name !== 'Email/import' || args.notCreated)
          throw new Error(`import failed: ${JSON.stringify(args).slice(0, 500)}`);
        tick(slice.length);
      }),
    ),
  );
  return { seconds: (performance.now() - t0) / 1000, latencies };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function verify(stack: Target, accounts: Account[]): Promise<void> {
  for (const acc of accounts) {
    const { rows } = await stack.db.query<{ n: number; total: number }>(
      `SELECT (SELECT count(*)::int FROM emails WHERE account_id = $1) AS n,
              (SELECT total_emails FROM mailboxes WHERE account_id = $1 AND id = $2) AS total`,
      [acc.accountId, acc.inbox],
    );
    if (rows[0].n !== acc.messages.length || rows[0].total !== acc.messages.length) {
      throw new Error(
        `account ${acc.accountId}: ${rows[0].n} emails, inbox count ${rows[0].total}, expected ${acc.messages.length}`,
      );
    }
  }
}

async function main(): Promise<void> {
  const stack = MODE === 'standalone' ? await standalone() : await distributed();
  try {
    const accounts = await setUp(stack);
    const sizes = accounts.flatMap((a) => a.messages.map((m) => m.length));
    const bytes = sizes.reduce((s, n) => s + n, 0);
    say(
      `${MESSAGES} messages, ${(bytes / MESSAGES / 1024).toFixed(1)} KiB on average (${(Math.min(...sizes) / 1024).toFixed(1)}-${(Math.max(...sizes) / 1024).toFixed(1)} KiB), ${ACCOUNTS} accounts, ${BATCH} per Email/import, ${CALLS} calls in flight per account`,
    );
    const up = await uploadAll(accounts);
    const database = stack.database;
    const cpuBefore = cpuSnapshot(database);
    const machineBefore = machineSnapshot();
    const imp = await importAll(accounts);
    const cpu = cpuBetween(cpuBefore, cpuSnapshot(database));
    const machineAfter = machineSnapshot();
    await verify(stack, accounts);
    const lat = [...imp.latencies].sort((a, b) => a - b);
    say('results:');
    say(
      `  upload           ${(MESSAGES / up).toFixed(0)} msg/s (${(bytes / up / 1e6).toFixed(1)} MB/s), ${up.toFixed(1)} s`,
    );
    say(
      `  Email/import     ${(MESSAGES / imp.seconds).toFixed(0)} msg/s, ${imp.seconds.toFixed(1)} s; call latency p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms`,
    );
    say(`  upload + import  ${(MESSAGES / (up + imp.seconds)).toFixed(0)} msg/s`);
    if (cpu.length > 0) {
      const total = cpu.reduce((s, [, v]) => s + v, 0);
      say(
        `  CPU during the import phase: ${total.toFixed(1)} s over ${imp.seconds.toFixed(1)} s (${(total / imp.seconds).toFixed(2)} cores), ${((total * 1000) / MESSAGES).toFixed(1)} ms per message:`,
      );
      for (const [name, seconds] of cpu)
        say(
          `    ${name.padEnd(16)} ${seconds.toFixed(1).padStart(6)} s  ${((seconds * 1000) / MESSAGES).toFixed(2)} ms/msg`,
        );
      const machine = machineLine(machineBefore, machineAfter, total, imp.seconds);
      if (machine) say(`  ${machine}`);
    }
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
