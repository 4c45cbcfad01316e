/**
 * Keyword update latency (DESIGN.md budget: a request with one Email/set keywords change through Kafka,
 * p50 ≤ 15 ms, p99 ≤ 50 ms).
 *
 *   npm run bench:email-keywords -- [--requests 500] [--warmup 50]
 *
 * Gateway, mailbox, email and thread services run as processes over the PostgreSQL, Kafka and MinIO of
 * `npm run infra:up` (the e2e harness). One account with 200 imported emails; each request is one Email/set
 * that flips `keywords/$seen` of one email (alternately true and null, cycling over the emails), sent one after
 * another over one keep-alive connection; the latency is the HTTP round trip of the request (gateway → Kafka →
 * email service → Postgres commit → reply over Kafka → response). The first --warmup requests are not counted.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { JmapTestClient, startTestStack } from '@jmap/testing';
import { BenchHttpClient } from './http-client.js';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '500' }, warmup: { type: 'string', default: '50' } },
});
const REQUESTS = Number(values.requests);
const WARMUP = Number(values.warmup);
const EMAILS = 200;
const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
const say = (m: string) => process.stdout.write(`[bench:email-keywords] ${m}\n`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function message(i: number): string {
  return [
    'From: Bench <bench@example.com>',
    'To: Reader <reader@example.org>',
    `Subject: Keyword bench ${i}`,
    'Date: Mon, 6 Jan 2025 09:30:00 +0100',
    `Message-ID: <kw-${i}@example.com>`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body ${i} `.repeat(200),
    '',
  ].join('\r\n');
}

type Body = { methodResponses: Array<[string, Record<string, unknown>, string]> };

async function main(): Promise<void> {
  say('starting gateway, mailbox, email and thread services');
  const stack = await startTestStack({
    services: ['gateway', 'mailbox-service', 'email-service', 'thread-service'],
    env: { LOG_LEVEL: 'warn' },
  });
  try {
    const credentials = { email: 'kw-bench@example.com', password: 'bench-password' };
    const { accountId } = await stack.createAccount(credentials.email, credentials.password);
    const client = new JmapTestClient(stack.url, credentials);
    // The timed requests go over one keep-alive node:http connection (http-client.ts): fetch() would add its own
    // 0.5-1.3 ms per request, shown by the Core/echo through fetch() reference below.
    const bench = new BenchHttpClient(stack.url, credentials);
    const boxes = (await client.api(USING, [['Mailbox/get', { accountId, ids: null }, 'm']])).body as Body;
    const inbox = (boxes.methodResponses[0][1].list as Array<{ id: string; role: string }>).find(
      (m) => m.role === 'inbox',
    )!.id;
    say(`importing ${EMAILS} emails`);
    const blobIds: string[] = [];
    for (let i = 0; i < EMAILS; i++) {
      const up = await client.upload(accountId, Buffer.from(message(i)), 'message/rfc822');
      blobIds.push(up.body.blobId as string);
    }
    const imported = (
      await client.api(USING, [
        [
          'Email/import',
          {
            accountId,
            emails: Object.fromEntries(
              blobIds.map((b, i) => [`e${i}`, { blobId: b, mailboxIds: { [inbox]: true } }]),
            ),
          },
          'i',
        ],
      ])
    ).body as Body;
    const created = imported.methodResponses[0][1].created as Record<string, { id: string }>;
    const ids = Object.values(created).map((c) => c.id);
    if (ids.length !== EMAILS) throw new Error(`imported ${ids.length} of ${EMAILS}`);
    const latencies: number[] = [];
    // References measured in the same loop, so that they see the same machine load: a Mailbox/set rename (the
    // same write path through Kafka in another service) and Core/echo (HTTP and the gateway alone).
    const mailboxLatencies: number[] = [];
    const echoLatencies: number[] = [];
    const fetchEchoLatencies: number[] = [];
    const timed = async (calls: unknown[]) => {
      const started = performance.now();
      const res = await bench.api({ using: USING, methodCalls: calls });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      return performance.now() - started;
    };
    const timedFetch = async (calls: unknown[]) => {
      const started = performance.now();
      const res = await client.api(USING, calls as Parameters<typeof client.api>[1]);
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      return performance.now() - started;
    };
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const id = ids[i % ids.length];
      // Each email alternates between seen and unseen as the cycle comes round.
      const seen = Math.floor(i / ids.length) % 2 === 0 ? true : null;
      const started = performance.now();
      const res = await bench.api({
        using: USING,
        methodCalls: [['Email/set', { accountId, update: { [id]: { 'keywords/$seen': seen } } }, 's']],
      });
      const took = performance.now() - started;
      const [name, args] = (res.body as unknown as Body).methodResponses[0];
      if (name !== 'Email/set' || !(id in ((args.updated as Record<string, unknown> | null) ?? {})))
        throw new Error(`request ${i}: ${JSON.stringify(res.body)}`);
      const renamed = await timed([
        ['Mailbox/set', { accountId, update: { [inbox]: { sortOrder: i % 7 } } }, 'm'],
      ]);
      const echoed = await timed([['Core/echo', { ping: i }, 'e']]);
      const fetchEchoed = await timedFetch([['Core/echo', { ping: i }, 'e']]);
      if (i >= WARMUP) {
        latencies.push(took);
        mailboxLatencies.push(renamed);
        echoLatencies.push(echoed);
        fetchEchoLatencies.push(fetchEchoed);
      }
      if (i >= WARMUP && (i - WARMUP + 1) % 100 === 0) say(`${i - WARMUP + 1}/${REQUESTS} requests`);
    }
    const f = (n: number) => `${n.toFixed(1)} ms`;
    for (const [name, list] of [
      ['Email/set keywords/$seen', latencies],
      ['Mailbox/set sortOrder (reference)', mailboxLatencies],
      ['Core/echo (reference)', echoLatencies],
      ['Core/echo through fetch() (reference: the client)', fetchEchoLatencies],
    ] as const) {
      const sorted = [...list].sort((a, b) => a - b);
      say(
        `${name}, ${REQUESTS} sequential requests: p50 ${f(percentile(sorted, 50))}, ` +
          `p90 ${f(percentile(sorted, 90))}, p99 ${f(percentile(sorted, 99))}, max ${f(sorted[sorted.length - 1])}`,
      );
    }
    say(
      `load average during the run: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    // The email service's own time per command (its jmap_command_duration_seconds histogram, warm-up included):
    // what the request spends in the command's transaction, apart from HTTP, the gateway and Kafka.
    const metrics = await (await fetch(`${stack.opsUrl('email-service')}/metrics`)).text();
    const buckets = [
      ...metrics.matchAll(
        /^jmap_command_duration_seconds_bucket\{(?=[^}]*command="Email\/set")(?=[^}]*outcome="ok")[^}]*le="([^"]+)"[^}]*\} (\d+)/gm,
      ),
    ].map((m) => ({ le: m[1] === '+Inf' ? Infinity : Number(m[1]) * 1000, n: Number(m[2]) }));
    const total = buckets.find((b) => b.le === Infinity)?.n ?? 0;
    const upTo = (p: number) => buckets.find((b) => b.n >= (p / 100) * total)?.le ?? NaN;
    say(
      `email service, Email/set command (${total} commands): p50 ≤ ${upTo(50)} ms, p90 ≤ ${upTo(90)} ms, ` +
        `p99 ≤ ${upTo(99)} ms (histogram bucket bounds)`,
    );
    const { rows } = await stack.db.query<{ unread: number }>(
      "SELECT count(*)::int AS unread FROM emails WHERE account_id = $1 AND NOT ('$seen' = ANY(keywords))",
      [accountId],
    );
    const box = (
      (
        await client.api(USING, [
          ['Mailbox/get', { accountId, ids: [inbox], properties: ['unreadEmails'] }, 'm'],
        ])
      ).body as Body
    ).methodResponses[0][1].list as Array<{ unreadEmails: number }>;
    say(`check: ${rows[0].unread} unread emails in the rows, inbox unreadEmails ${box[0].unreadEmails}`);
    if (rows[0].unread !== box[0].unreadEmails) throw new Error('the inbox count does not match the rows');
    bench.close();
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
