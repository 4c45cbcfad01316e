/**
 * Email/query latency (issue 7): seeds accounts of BENCH_SIZES messages (default 10,000 and 100,000) and measures,
 * through the gateway over HTTP (distributed stack: gateway, mailbox and email services as processes on the
 * PostgreSQL and Kafka of `npm run infra:up`):
 *   - Email/query inMailbox sorted by receivedAt, limit 50          (target p99 <= 5 ms at 10k, <= 20 ms at 100k)
 *   - Email/query with a `text` filter, limit 50                     (target p99 <= 35 ms at 10k, <= 100 ms at 100k)
 *   - the initial sync of a 10,000-message mailbox in one request: Email/query -> Email/get by back-reference
 *     (id, threadId, mailboxIds, keywords, from, subject, receivedAt, preview)          (target <= 0.3 s)
 * plus, for the query plans' sake, a keyword filter and collapseThreads. Requests go over one keep-alive
 * connection through node:http (http-client.ts) with a browser's Accept-Encoding; a Core/echo through fetch()
 * shows what Node's fetch would add. The listing is timed once right after start-up; then every request kind is
 * sent in turn (BENCH_WARMUP_ROUNDS rounds, default 1,000, for at most BENCH_WARMUP_SECONDS, default 30) so that
 * the rest is timed on a gateway whose hot code V8 has finished optimizing (see warmUp).
 *
 * Seeding, to keep 100,000 messages within minutes: synthetic messages (synthetic-mail.ts) are parsed with the
 * import's own parser (messageFacts) into a pool of templates; each seeded email is a template's facts with its
 * own id, thread (a third join an earlier thread), receivedAt, keywords, mailbox and a "codename" word in its text
 * (one of 100, so a codename search matches about 1%); EmailCreated events are appended in batches of 500 through
 * the CommandProcessor with every inline projection, in this process, against the stack's PostgreSQL. The read
 * model is what Email/import writes (same events, same projection); only the fetching and parsing are skipped.
 *
 *   npm run bench:email-query
 *   BENCH_SIZES=10000 BENCH_ITERATIONS=500 npm run bench:email-query
 * BENCH_NODE_OPTIONS reaches the services' NODE_OPTIONS (for diagnosis, e.g. a profiler preload).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { partBlobId } from '@jmap/blobs';
import type { EmailCreated, MessageFacts } from '@jmap/email-contracts';
import {
  emailListingObjects,
  listingSql,
  listSql,
  withSearchPlan,
  type EmailQuerySpec,
} from '@jmap/email-data-access';
import { messageFacts } from '@jmap/email-domain';
import { CommandProcessor, ProjectionRegistry } from '@jmap/event-store';
import { Metrics, createLogger, createPool, type Pool } from '@jmap/platform';
import { allProjections } from '@jmap/read-models';
import { repoRoot, startTestStack, type JmapTestClient } from '@jmap/testing';
import { BenchHttpClient } from './http-client.js';
import { waitQuiet } from './process-cpu.js';
import { random, syntheticMessage } from './synthetic-mail.js';

const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const WARMUP = 30;
const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS ?? 1000);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 30);
const BATCH = 500;
const TEMPLATES = 400;
const SYNC_RUNS = Number(process.env.BENCH_SYNC_RUNS ?? 10);
/** What a client's initial sync asks for (issue 7). */
const SYNC_PROPERTIES = [
  'id',
  'threadId',
  'mailboxIds',
  'keywords',
  'from',
  'subject',
  'receivedAt',
  'preview',
];

const say = (m: string) => process.stdout.write(`[bench] ${m}\n`);

const SYLLABLES = ['ka', 'lo', 'mi', 'ru', 'te', 'zo', 'vi', 'nu', 'pa', 'de'];
/** 100 made-up words no stemmer changes ("kalomi" ...). */
const CODENAMES = Array.from(
  { length: 100 },
  (_, i) => `${SYLLABLES[i % 10]}${SYLLABLES[Math.floor(i / 10)]}${SYLLABLES[(i * 7) % 10]}x`,
);

function templates(): MessageFacts[] {
  const out: MessageFacts[] = [];
  const ids: string[] = [];
  for (let i = 0; i < TEMPLATES; i++) {
    const m = syntheticMessage(77, i, ids);
    ids.push(m.messageId);
    const sha = createHash('sha256').update(m.raw).digest('hex');
    out.push(messageFacts(m.raw, (partId) => partBlobId(`G${sha}`, partId)));
  }
  return out;
}

async function seed(
  processor: CommandProcessor,
  accountId: string,
  mailboxes: { inbox: string; archive: string },
  n: number,
  pool: MessageFacts[],
  inboxShare: number,
): Promise<void> {
  const rnd = random(n);
  const threads: string[] = [];
  const started = performance.now();
  for (let done = 0; done < n; done += BATCH) {
    const count = Math.min(BATCH, n - done);
    await processor.handle({ accountId, commandId: randomUUID(), type: 'BenchSeed' }, async (ctx) => {
      const events: EmailCreated[] = [];
      for (let k = 0; k < count; k++) {
        const i = done + k;
        const t = pool[i % pool.length];
        const codename = CODENAMES[Math.floor(rnd() * CODENAMES.length)];
        const joins = threads.length > 0 && rnd() < 0.35;
        const threadId = joins
          ? threads[Math.max(0, threads.length - 1 - Math.floor(rnd() * 2000))]
          : ctx.ids.next('T');
        if (!joins) threads.push(threadId);
        const keywords = [...(rnd() < 0.7 ? ['$seen'] : []), ...(rnd() < 0.05 ? ['$flagged'] : [])];
        events.push({
          type: 'EmailCreated',
          v: 1,
          data: {
            ...t,
            subject: `${t.subject} ${codename}`,
            preview: `${codename} ${t.preview}`.slice(0, 256),
            textExtract: `${codename} ${t.textExtract}`,
            id: ctx.ids.next('E'),
            threadId,
            blobId: `G${createHash('sha256').update(`${accountId}/${i}`).digest('hex')}`,
            mailboxIds: [rnd() < inboxShare ? mailboxes.inbox : mailboxes.archive],
            keywords,
            receivedAt: new Date(
              Date.UTC(2020, 0, 1) + i * 600_000 + Math.floor(rnd() * 300_000),
            ).toISOString(),
          },
        });
      }
      return { events, reply: () => null };
    });
    if ((done / BATCH) % 20 === 0 || done + count >= n) {
      const rate = (done + count) / ((performance.now() - started) / 1000);
      say(`  seeded ${done + count}/${n} (${Math.round(rate)} emails/s)`);
    }
  }
}

interface Stats {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s[s.length - 1] };
}
const fmt = (s: Stats) =>
  `p50 ${s.p50.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;

async function measure(
  client: BenchHttpClient,
  runs: number,
  calls: (i: number) => unknown[][],
  check: (body: Record<string, unknown>) => void,
  acceptEncoding?: string,
): Promise<Stats> {
  const times: number[] = [];
  for (let i = -WARMUP; i < runs; i++) {
    const t0 = performance.now();
    const res = await client.api({ using: USING, methodCalls: calls(i) }, acceptEncoding);
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    check(res.body);
    if (i >= 0) times.push(ms);
  }
  return stats(times);
}

/** Core/echo through Node's fetch (undici), for the client's own share in the figures of earlier runs. */
async function measureFetchEcho(client: JmapTestClient, runs: number): Promise<Stats> {
  const times: number[] = [];
  for (let i = -WARMUP; i < runs; i++) {
    const t0 = performance.now();
    const res = await client.rawApi({ using: USING, methodCalls: [['Core/echo', { hello: true }, 'e']] });
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    if (i >= 0) times.push(ms);
  }
  return stats(times);
}

/**
 * Sends every request kind in turn, also a Core/echo through fetch(), for WARMUP_ROUNDS rounds or WARMUP_SECONDS,
 * whichever ends first. V8 optimizes a function once it has run often enough: the gateway's request path keeps
 * its compiler threads busy for thousands of requests after start-up (about 250 ms of compiling per 1,000 listing
 * requests here, `--trace-opt`), and on two cores that background work is what a request waits behind. The
 * figures after the warm-up are those of a gateway that has been serving for a while; the first ones after
 * start-up are measured too.
 */
async function warmUp(
  bench: BenchHttpClient,
  client: JmapTestClient,
  kinds: Array<(i: number) => unknown[][]>,
): Promise<{ rounds: number; requests: number; seconds: number }> {
  const started = performance.now();
  let rounds = 0;
  let requests = 0;
  while (rounds < WARMUP_ROUNDS && performance.now() - started < WARMUP_SECONDS * 1000) {
    for (const calls of kinds) {
      const res = await bench.api({ using: USING, methodCalls: calls(rounds) });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(res.body)}`);
      firstResult(res.body);
    }
    await client.rawApi({ using: USING, methodCalls: [['Core/echo', { hello: true }, 'e']] });
    requests += kinds.length + 1;
    rounds++;
  }
  return { rounds, requests, seconds: (performance.now() - started) / 1000 };
}

/** Sum and count of the gateway's jmap_method_duration_seconds for one method (0 before its first call). */
async function methodSeconds(opsUrl: string, method: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${opsUrl}/metrics`)).text();
  const value = (suffix: string) =>
    Number(
      new RegExp(
        `^jmap_method_duration_seconds_${suffix}\\{[^}]*method="${method}"[^}]*\\} (\\S+)$`,
        'm',
      ).exec(text)?.[1] ?? 0,
    );
  return { sum: value('sum'), count: value('count') };
}

function firstResult(body: Record<string, unknown>): Record<string, unknown> {
  const [name, args] = (body.methodResponses as Array<[string, Record<string, unknown>]>)[0];
  if (name === 'error') throw new Error(JSON.stringify(args));
  return args;
}

/** The database's share: the statements Email/query runs for a spec (same builder, same plan choice), timed here. */
async function dbTime(db: Pool, runs: number, spec: (i: number) => EmailQuerySpec): Promise<Stats> {
  const times: number[] = [];
  for (let i = -WARMUP; i < runs; i++) {
    const t0 = performance.now();
    await withSearchPlan(db, spec(i), async (q, planned) => {
      const sql = listSql(planned, { limit: 50, offset: 0 });
      await q.query(sql.text, sql.values);
    });
    if (i >= 0) times.push(performance.now() - t0);
  }
  return stats(times);
}

/** EXPLAIN (ANALYZE, BUFFERS) of the SQL Email/query runs for a spec (the same builder), for docs/query-plans.md. */
async function explain(db: Pool, title: string, spec: EmailQuerySpec, limit: number): Promise<string> {
  // Through withSearchPlan, as Email/query runs it (its plan choice and settings); once to warm the cache.
  const run = (analyze: string) =>
    withSearchPlan(db, spec, async (q, planned) => {
      const sql = listSql(planned, { limit, offset: 0 });
      const { rows } = await q.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${analyze} ${sql.text}`, sql.values);
      return { sql, plan: rows.map((r) => r['QUERY PLAN']).join('\n') };
    });
  await run('(ANALYZE)');
  const { sql, plan } = await run('(ANALYZE, BUFFERS)');
  return `### ${title}\n\n\`\`\`sql\n${sql.text.replace(/\s+/g, ' ')}\n-- ${JSON.stringify(sql.values)}\n\`\`\`\n\n\`\`\`\n${plan}\n\`\`\`\n`;
}

async function main(): Promise<void> {
  say('starting the distributed stack (gateway, mailbox-service, email-service)');
  const stack = await startTestStack({
    services: ['gateway', 'mailbox-service', 'email-service'],
    env: {
      LOG_LEVEL: 'warn',
      ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
    },
  });
  const db: Pool = createPool(stack.databaseUrl, 4, 'bench-seed');
  const processor = new CommandProcessor(
    db,
    new ProjectionRegistry().register(...allProjections()),
    new Metrics('bench'),
    createLogger('bench', 'warn'),
  );
  const results: string[] = [];
  const clients: BenchHttpClient[] = [];
  try {
    say(`parsing ${TEMPLATES} template messages`);
    const pool = templates();
    for (const size of SIZES) {
      const email = `query${size}@example.org`;
      const { accountId } = await stack.createAccount(email, 'bench-password');
      const client = stack.client({ email, password: 'bench-password' });
      const bench = new BenchHttpClient(stack.url, { email, password: 'bench-password' });
      clients.push(bench);
      const boxes = firstResult(
        (await client.api(USING, [['Mailbox/get', { accountId, ids: null }, 'm']])).body as Record<
          string,
          unknown
        >,
      );
      const byRole = Object.fromEntries(
        (boxes.list as Array<{ id: string; role: string }>).map((m) => [m.role, m.id]),
      );
      // 10k: one mailbox of 10,000 (the initial sync); 100k: 60% inbox, 40% archive.
      const inboxShare = size <= 10_000 ? 1 : 0.6;
      say(`seeding ${size} emails into ${email}`);
      await seed(
        processor,
        accountId,
        { inbox: byRole.inbox, archive: byRole.archive },
        size,
        pool,
        inboxShare,
      );
      // What autovacuum does soon after an import burst: statistics, and the GIN pending list merged.
      await db.query('VACUUM (ANALYZE) emails, email_mailboxes');
      // The seeded events also reach the services' background consumers through Kafka: measure once they have
      // digested the burst (a mailbox fills over months, not while its queries are timed).
      const waited = await waitQuiet(new URL(stack.databaseUrl).pathname.slice(1), { threshold: 0.1 });
      say(`${size}: services quiet after ${waited.toFixed(0)} s`);
      const inboxCount = (
        await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM email_mailboxes WHERE account_id = $1 AND mailbox_id = $2',
          [accountId, byRole.inbox],
        )
      ).rows[0].n;
      say(`${size}: inbox holds ${inboxCount}`);
      const q = (args: Record<string, unknown>) => [['Email/query', { accountId, ...args }, 'q']];
      const newestFirst = [{ property: 'receivedAt', isAscending: false }];
      // Every timed request, built once: the warm-up sends each of them, the measurements below time each alone.
      const requests = {
        echo: () => [['Core/echo', { hello: true }, 'e']],
        listing: () => q({ filter: { inMailbox: byRole.inbox }, sort: newestFirst, limit: 50 }),
        text: (i: number) =>
          q({ filter: { text: CODENAMES[(i + 100) % 100] }, sort: newestFirst, limit: 50 }),
        textInbox: (i: number) =>
          q({ filter: { inMailbox: byRole.inbox, text: CODENAMES[(i + 100) % 100] }, limit: 50 }),
        common: () => q({ filter: { text: 'quarterly' }, limit: 50 }),
        flagged: () => q({ filter: { inMailbox: byRole.inbox, hasKeyword: '$flagged' }, limit: 50 }),
        collapsed: () => q({ filter: { inMailbox: byRole.inbox }, collapseThreads: true, limit: 50 }),
      };
      const expectIds = (min: number) => (body: Record<string, unknown>) => {
        const ids = firstResult(body).ids as string[];
        if (ids.length < min) throw new Error(`only ${ids.length} ids`);
      };
      // Right after start-up, before the warm-up: V8 is still compiling the request path's hot functions on its
      // background threads, which compete with the gateway, PostgreSQL and the client for the two cores. Only for
      // the first size: by the next one the gateway has served the whole first run.
      if (size === SIZES[0]) {
        const cold = await measure(bench, ITERATIONS, requests.listing, expectIds(50));
        results.push(
          `| ${size} | inMailbox, receivedAt desc, limit 50, right after start-up | ${fmt(cold)} |`,
        );
        say(`${size} listing right after start-up: ${fmt(cold)}`);
      }
      const warm = await warmUp(bench, client, Object.values(requests));
      say(
        `${size}: warm-up of ${warm.rounds} rounds (${warm.requests} requests) in ${warm.seconds.toFixed(1)} s`,
      );
      // The request path without a query: what the gateway and HTTP cost on this machine now.
      const baseline = await measure(bench, ITERATIONS, requests.echo, () => {});
      results.push(`| ${size} | baseline: Core/echo (no database) | ${fmt(baseline)} |`);
      say(`${size} baseline Core/echo: ${fmt(baseline)}`);
      const fetchEcho = await measureFetchEcho(client, ITERATIONS);
      results.push(
        `| ${size} | Core/echo through fetch() instead (the client's share) | ${fmt(fetchEcho)} |`,
      );
      say(`${size} Core/echo through fetch(): ${fmt(fetchEcho)}`);
      const listing = await measure(bench, ITERATIONS, requests.listing, expectIds(50));
      results.push(`| ${size} | inMailbox, receivedAt desc, limit 50 | ${fmt(listing)} |`);
      say(`${size} listing: ${fmt(listing)}`);
      const text = await measure(bench, ITERATIONS, requests.text, expectIds(1));
      results.push(`| ${size} | text (a word in ~1% of emails), receivedAt desc, limit 50 | ${fmt(text)} |`);
      say(`${size} text: ${fmt(text)}`);
      const textInbox = await measure(bench, ITERATIONS, requests.textInbox, expectIds(1));
      results.push(`| ${size} | inMailbox + text (~1%), limit 50 | ${fmt(textInbox)} |`);
      say(`${size} inbox+text: ${fmt(textInbox)}`);
      const common = await measure(bench, Math.min(ITERATIONS, 100), requests.common, expectIds(1));
      results.push(`| ${size} | text (a word in ~all emails), limit 50 | ${fmt(common)} |`);
      say(`${size} common text: ${fmt(common)}`);
      const flagged = await measure(bench, ITERATIONS, requests.flagged, expectIds(1));
      results.push(`| ${size} | inMailbox + hasKeyword $flagged (~5%), limit 50 | ${fmt(flagged)} |`);
      say(`${size} flagged: ${fmt(flagged)}`);
      const collapsed = await measure(bench, Math.min(ITERATIONS, 100), requests.collapsed, expectIds(50));
      results.push(`| ${size} | inMailbox, collapseThreads, limit 50 | ${fmt(collapsed)} |`);
      say(`${size} collapseThreads: ${fmt(collapsed)}`);
      const inbox = { inMailbox: byRole.inbox };
      const desc = [{ property: 'receivedAt' as const, isAscending: false, collation: null }];
      const plans = [
        await explain(
          db,
          `${size}: inMailbox sorted by receivedAt, limit 50`,
          { accountId, filter: { condition: inbox }, sort: desc, collapseThreads: false },
          50,
        ),
        await explain(
          db,
          `${size}: text filter (a word in ~1%), receivedAt desc, limit 50`,
          { accountId, filter: { condition: { text: CODENAMES[3] } }, sort: desc, collapseThreads: false },
          50,
        ),
        await explain(
          db,
          `${size}: inMailbox + hasKeyword $flagged, limit 50`,
          {
            accountId,
            filter: { condition: { ...inbox, hasKeyword: '$flagged' } },
            sort: desc,
            collapseThreads: false,
          },
          50,
        ),
        await explain(
          db,
          `${size}: inMailbox, collapseThreads, limit 50`,
          { accountId, filter: { condition: inbox }, sort: desc, collapseThreads: true },
          50,
        ),
      ];
      const specs: Array<[string, (i: number) => EmailQuerySpec]> = [
        [
          'inMailbox, receivedAt desc, limit 50',
          () => ({ accountId, filter: { condition: inbox }, sort: desc, collapseThreads: false }),
        ],
        [
          'text (~1%), limit 50',
          (i) => ({
            accountId,
            filter: { condition: { text: CODENAMES[(i + 100) % 100] } },
            sort: desc,
            collapseThreads: false,
          }),
        ],
        [
          'inMailbox + hasKeyword $flagged, limit 50',
          () => ({
            accountId,
            filter: { condition: { ...inbox, hasKeyword: '$flagged' } },
            sort: desc,
            collapseThreads: false,
          }),
        ],
        [
          'inMailbox, collapseThreads, limit 50',
          () => ({ accountId, filter: { condition: inbox }, sort: desc, collapseThreads: true }),
        ],
      ];
      for (const [title, make] of specs) {
        const t = await dbTime(db, ITERATIONS, make);
        results.push(`| ${size} | database only: ${title} | ${fmt(t)} |`);
        say(`${size} database only, ${title}: ${fmt(t)}`);
      }
      const dir = join(repoRoot(), '.local', 'bench');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `email-query-plans-${size}.md`), plans.join('\n'));
      say(`${size}: plans written to .local/bench/email-query-plans-${size}.md`);
      if (inboxCount <= 10_000) {
        const ids = firstResult(
          (await client.api(USING, q({ filter: inbox, limit: 10_000 }) as never)).body as Record<
            string,
            unknown
          >,
        ).ids as string[];
        const queryOnly = await measure(
          bench,
          SYNC_RUNS,
          () => q({ filter: inbox, limit: 10_000 }),
          expectIds(inboxCount),
        );
        results.push(`| ${size} | Email/query of ${inboxCount} ids alone | ${fmt(queryOnly)} |`);
        say(`${size} Email/query of ${inboxCount} ids alone: ${fmt(queryOnly)}`);
        const before = await methodSeconds(stack.opsUrl('gateway'), 'Email/get');
        const getOnly = await measure(
          bench,
          SYNC_RUNS,
          () => [
            [
              'Email/get',
              {
                accountId,
                ids,
                properties: SYNC_PROPERTIES,
              },
              'g',
            ],
          ],
          () => {},
        );
        results.push(`| ${size} | Email/get of ${inboxCount} ids alone | ${fmt(getOnly)} |`);
        say(`${size} Email/get of ${inboxCount} ids alone: ${fmt(getOnly)}`);
        const after = await methodSeconds(stack.opsUrl('gateway'), 'Email/get');
        const inMethod = ((after.sum - before.sum) / (after.count - before.count)) * 1000;
        results.push(
          `| ${size} | Email/get of ${inboxCount} ids: the method alone in the gateway (mean) | ${inMethod.toFixed(1)} ms |`,
        );
        say(
          `${size} Email/get of ${inboxCount} ids, the method alone (mean of jmap_method_duration_seconds): ${inMethod.toFixed(1)} ms`,
        );
        // Its statement and the objects made from the rows, timed in this process (no HTTP, no JSON response).
        const rowsTimes: number[] = [];
        for (let i = -3; i < SYNC_RUNS; i++) {
          const t0 = performance.now();
          const objects = await emailListingObjects(db, accountId, ids, SYNC_PROPERTIES, 10_001);
          if (objects.length !== ids.length)
            throw new Error(`${objects.length} objects for ${ids.length} ids`);
          if (i >= 0) rowsTimes.push(performance.now() - t0);
        }
        const rowsOnly = stats(rowsTimes);
        const listing = listingSql(accountId, ids, SYNC_PROPERTIES, 10_001);
        const listingPlan = await db.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${listing.text}`,
          listing.values,
        );
        plans.push(
          `### ${size}: Email/get of the ${ids.length} ids of the initial sync\n\n\`\`\`sql\n${listing.text}\n-- [accountId, ${ids.length} ids]\n\`\`\`\n\n\`\`\`\n${listingPlan.rows.map((r) => r['QUERY PLAN'].replace(/'\{[^}]{200,}\}'/g, `'{${ids.length} ids}'`)).join('\n')}\n\`\`\`\n`,
        );
        writeFileSync(join(dir, `email-query-plans-${size}.md`), plans.join('\n'));
        results.push(
          `| ${size} | database and objects only: Email/get of ${inboxCount} ids | ${fmt(rowsOnly)} |`,
        );
        say(`${size} database and objects only, Email/get of ${inboxCount} ids: ${fmt(rowsOnly)}`);
        const syncCalls = () => [
          [
            'Email/query',
            {
              accountId,
              filter: { inMailbox: byRole.inbox },
              sort: [{ property: 'receivedAt', isAscending: false }],
              limit: 10_000,
            },
            'q',
          ],
          [
            'Email/get',
            {
              accountId,
              '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
              properties: SYNC_PROPERTIES,
            },
            'g',
          ],
        ];
        const syncCheck = (body: Record<string, unknown>) => {
          const [, get] = (body.methodResponses as Array<[string, Record<string, unknown>]>)[1];
          if ((get.list as unknown[]).length !== inboxCount)
            throw new Error(`initial sync got ${(get.list as unknown[]).length}`);
        };
        // As browsers and fetch() ask (Accept-Encoding with br and gzip: the gateway compresses, the client inflates),
        // and as a client that asks for no encoding (on the same host or a fast link).
        const sync = await measure(bench, SYNC_RUNS, syncCalls, syncCheck);
        results.push(
          `| ${size} | initial sync: Email/query + Email/get of ${inboxCount} by back-reference | ${fmt(sync)} |`,
        );
        say(`${size} initial sync (${inboxCount}): ${fmt(sync)}`);
        const syncPlain = await measure(bench, SYNC_RUNS, syncCalls, syncCheck, 'identity');
        results.push(`| ${size} | initial sync, Accept-Encoding: identity | ${fmt(syncPlain)} |`);
        say(`${size} initial sync (${inboxCount}), Accept-Encoding: identity: ${fmt(syncPlain)}`);
      }
    }
  } finally {
    for (const c of clients) c.close();
    await db.end();
    await stack.stop();
  }
  process.stdout.write(
    `\n| messages | query | latency (${ITERATIONS} sequential requests after ${WARMUP} of the same, and after a warm-up of every kind, but for the row right after start-up) |\n| --- | --- | --- |\n${results.join('\n')}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
