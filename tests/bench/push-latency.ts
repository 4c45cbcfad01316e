/**
 * Push latency benchmark (DESIGN.md budget: committed write → StateChange on an open EventSource, p99 ≤ 100 ms).
 *
 *   npm run bench:push -- [--writes 500] [--mode distributed|standalone]
 *
 * distributed: gateway, mailbox service and push service as processes over Kafka (the e2e harness; needs
 * `npm run infra:up` or the endpoint variables). standalone: the `npm start` server (in-process bus) on the same
 * PostgreSQL. One client holds an EventSource open; another makes Mailbox/set writes one after another (renaming one
 * mailbox). For each write the latency is the time from the commit of its event (events.recorded_at, the transaction's start,
 * so a slight overestimate) to the arrival of the "state" event naming its state; also printed is the time from
 * sending the request to that arrival.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  authorizationHeader,
  createTestDatabase,
  freePort,
  JmapTestClient,
  openEventSource,
  repoRoot,
  sleep,
  startTestStack,
  testEndpoints,
} from '@jmap/testing';

const { values } = parseArgs({
  options: { writes: { type: 'string', default: '500' }, mode: { type: 'string', default: 'distributed' } },
});
const WRITES = Number(values.writes);
const MODE = values.mode as 'distributed' | 'standalone';
const say = (m: string) => process.stdout.write(`[bench:push] ${m}\n`);
const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];

interface Target {
  url: string;
  credentials: { email: string; password: string };
  db: pg.Pool;
  stop(): Promise<void>;
}

async function distributed(): Promise<Target> {
  const stack = await startTestStack({
    services: ['gateway', 'mailbox-service', 'push-service'],
    env: { LOG_LEVEL: 'warn' },
  });
  const credentials = { email: 'bench@example.com', password: 'bench-password' };
  await stack.createAccount(credentials.email, credentials.password);
  return { url: stack.url, credentials, db: stack.db, stop: () => stack.stop() };
}

async function standalone(): Promise<Target> {
  const database = await createTestDatabase(testEndpoints().DATABASE_URL);
  const dataDir = mkdtempSync(join(tmpdir(), 'jmap-bench-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'apps/standalone/src/main.ts'], {
    cwd: repoRoot(),
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: String(port),
      OPS_PORT: '0',
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: '',
      S3_ENDPOINT: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const password = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /password: (\S+)[\s\S]*ready in/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`standalone exited (${code}): ${out}`)));
  });
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  return {
    url: `http://127.0.0.1:${port}`,
    credentials: { email: 'demo@example.com', password },
    db,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await db.end();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  say(`starting the ${MODE} server`);
  const target = MODE === 'standalone' ? await standalone() : await distributed();
  try {
    const client = new JmapTestClient(target.url, target.credentials);
    const session = await client.session();
    const accountId = (session.body.primaryAccounts as Record<string, string>)['urn:ietf:params:jmap:mail'];
    const es = await openEventSource(`${target.url}/jmap/eventsource/?types=Mailbox&closeafter=no&ping=0`, {
      authorization: authorizationHeader(target.credentials)!,
    });
    if (es.status !== 200) throw new Error(`EventSource answered ${es.status}`);
    // Writes rename one mailbox, so every write costs the same (creating ever more mailboxes would not).
    const made = await client.api(USING, [
      ['Mailbox/set', { accountId, create: { m: { name: 'Bench' } } }, 'c'],
    ]);
    const mailboxId = (made.body.methodResponses[0][1] as { created: Record<string, { id: string }> }).created
      .m.id;
    await sleep(500);
    const fromCommit: number[] = [];
    const fromRequest: number[] = [];
    for (let i = 0; i < WRITES + 20; i++) {
      const sent = Date.now();
      const res = await client.api(USING, [
        ['Mailbox/set', { accountId, update: { [mailboxId]: { name: `Bench ${i}` } } }, 'c'],
      ]);
      const state = (res.body.methodResponses[0][1] as { newState: string }).newState;
      const event = await es.events.next(
        (e) => e.event === 'state' && JSON.parse(e.data).changed[accountId]?.Mailbox === state,
        10_000,
      );
      const { rows } = await target.db.query<{ at: Date }>(
        'SELECT recorded_at AS at FROM events WHERE account_id = $1 AND modseq = $2',
        [accountId, Number(state)],
      );
      // The first 20 writes warm up connections and JIT; they are not counted.
      if (i >= 20) {
        fromCommit.push(event.at - rows[0].at.getTime());
        fromRequest.push(event.at - sent);
      }
      if (i >= 20 && (i - 20 + 1) % 100 === 0) say(`${i - 20 + 1}/${WRITES} writes`);
      await sleep(10);
    }
    es.close();
    for (const [name, list] of [
      ['commit → StateChange', fromCommit],
      ['request sent → StateChange', fromRequest],
    ] as const) {
      const sorted = [...list].sort((a, b) => a - b);
      say(
        `${MODE}, ${name} (ms over ${sorted.length} writes): p50 ${percentile(sorted, 50)}, p90 ${percentile(sorted, 90)}, ` +
          `p99 ${percentile(sorted, 99)}, max ${sorted[sorted.length - 1]}`,
      );
    }
  } finally {
    await target.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
