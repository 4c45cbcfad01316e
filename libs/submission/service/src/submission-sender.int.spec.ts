/**
 * The sender on the real PostgreSQL: several senders (as several replicas would run) work off one queue and
 * each send goes out exactly once (SELECT ... FOR UPDATE SKIP LOCKED holds the row while it is sent); a
 * transient failure is retried with backoff and the result recorded in deliveryStatus.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '@jmap/blob-store';
import { CommandProcessor, ProjectionRegistry } from '@jmap/event-store';
import { Metrics } from '@jmap/platform';
import type { RecipientOutcome } from '@jmap/submission-domain';
import { collectBlobs } from '@jmap/blobs';
import { pinSendBlobs, submissionProjection, submissionsByIds } from '@jmap/submission-data-access';
import { createTestDatabase, sleep, testLogger } from '@jmap/testing';
import { SubmissionSender, type SenderConfig } from './submission-sender.js';

let db: { url: string; drop(): Promise<void> };
let pool: pg.Pool;
let dir: string;
let store: FsBlobStore;
let processor: CommandProcessor;
const ACCOUNT = 'Asender';

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 20 });
  dir = mkdtempSync(join(tmpdir(), 'sender-'));
  store = new FsBlobStore(dir);
  await store.init();
  processor = new CommandProcessor(
    pool,
    new ProjectionRegistry().register(submissionProjection),
    new Metrics('sender-test'),
    testLogger(),
  );
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Queues a send the way EmailSubmission/set does: the EmailSubmissionCreated event and the queue row. */
async function queueSend(n: number, rcpt: string): Promise<string> {
  const raw = Buffer.from(
    `From: a@example.com\r\nTo: ${rcpt}\r\nSubject: ${n}\r\nMessage-ID: <m${n}@example.com>\r\n\r\nbody ${n}\r\n`,
  );
  const { sha256 } = await store.put(raw);
  const id = `S${n}`;
  const envelope = {
    mailFrom: { email: 'a@example.com', parameters: null },
    rcptTo: [{ email: rcpt, parameters: null }],
  };
  const progress = { [rcpt]: { smtpReply: '250 2.0.0 Queued', delivered: 'queued', displayed: 'unknown' } };
  await processor.handle({ accountId: ACCOUNT, commandId: `create-${n}`, type: 'test' }, async (ctx) => {
    await ctx.tx.query(
      `INSERT INTO submission_queue (account_id, submission_id, due_at, state, blob_id, envelope, progress) VALUES ($1, $2, now(), 'queued', $3, $4, $5)`,
      [ACCOUNT, id, `G${sha256}`, JSON.stringify(envelope), JSON.stringify(progress)],
    );
    return {
      events: [
        {
          type: 'EmailSubmissionCreated',
          v: 1,
          data: {
            id,
            identityId: 'I1',
            emailId: `E${n}`,
            threadId: `T${n}`,
            envelope,
            sendAt: new Date().toISOString(),
            undoStatus: 'pending',
            deliveryStatus: progress,
            dsnBlobIds: [],
            mdnBlobIds: [],
          },
        },
      ],
      reply: () => null,
    };
  });
  return id;
}

const config = (replica: string): SenderConfig => ({
  pollMs: 30,
  retryBaseMs: 50,
  retryMaxMs: 100,
  maxAttempts: 5,
  concurrency: 3,
  replica,
});

async function waitDone(ids: string[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM submission_queue WHERE submission_id = ANY($1) AND state <> 'done'`,
      [ids],
    );
    if (Number(rows[0].n) === 0) return;
    if (Date.now() > deadline) throw new Error('sends not done in time');
    await sleep(50);
  }
}

describe('SubmissionSender', () => {
  it('two senders on one queue send each submission exactly once', async () => {
    const routed: string[] = [];
    const router = {
      route: async (raw: Buffer, _from: string, rcpt: readonly string[]) => {
        routed.push(/Subject: (\d+)/.exec(raw.toString())![1]);
        await sleep(40);
        return new Map<string, RecipientOutcome>(
          rcpt.map((r) => [r, { kind: 'delivered', smtpReply: '250 2.0.0 OK', local: false }]),
        );
      },
    };
    const ids = await Promise.all(Array.from({ length: 16 }, (_, i) => queueSend(i, `r${i}@remote.test`)));
    const senders = ['one', 'two'].map(
      (r) =>
        new SubmissionSender(pool, processor, store, router, config(r), testLogger(), new Metrics(`s-${r}`)),
    );
    senders.forEach((s) => s.start());
    try {
      await waitDone(ids);
    } finally {
      await Promise.all(senders.map((s) => s.stop()));
    }
    expect([...routed].sort((a, b) => Number(a) - Number(b))).toEqual(ids.map((_, i) => String(i)));
    const rows = await submissionsByIds(pool, ACCOUNT, ids);
    expect(
      rows.every(
        (r) => r.undoStatus === 'final' && Object.values(r.deliveryStatus)[0].delivered === 'unknown',
      ),
    ).toBe(true);
  });

  it('retries a transient failure with backoff and records each reply', async () => {
    let calls = 0;
    const router = {
      route: async (_raw: Buffer, _from: string, rcpt: readonly string[]) => {
        calls++;
        const o: RecipientOutcome =
          calls < 3
            ? { kind: 'transient', smtpReply: '451 4.3.0 Try later' }
            : { kind: 'delivered', smtpReply: '250 2.0.0 OK', local: false };
        return new Map(rcpt.map((r) => [r, o]));
      },
    };
    const id = await queueSend(100, 'late@remote.test');
    const sender = new SubmissionSender(
      pool,
      processor,
      store,
      router,
      config('three'),
      testLogger(),
      new Metrics('s-three'),
    );
    sender.start();
    try {
      await waitDone([id]);
    } finally {
      await sender.stop();
    }
    expect(calls).toBe(3);
    const [row] = await submissionsByIds(pool, ACCOUNT, [id]);
    expect(row.deliveryStatus['late@remote.test']).toEqual({
      smtpReply: '250 2.0.0 OK',
      delivered: 'unknown',
      displayed: 'unknown',
    });
    const attempts = await pool.query<{ status: string }>(
      'SELECT status FROM submission_attempts WHERE submission_id = $1',
      [id],
    );
    expect(attempts.rows.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
  });

  it('a queued send keeps its message although the Email is gone (RFC 8621 7.5), and lets it go once sent', async () => {
    const id = await queueSend(200, 'kept@remote.test');
    const { rows } = await pool.query<{ blob_id: string; sha: string }>(
      `SELECT blob_id, substr(blob_id, 2) AS sha FROM submission_queue WHERE submission_id = $1`,
      [id],
    );
    const { blob_id: blobId, sha } = rows[0];
    // The account's row as the email slice leaves it after destroying the last Email naming the blob: expiring.
    await pool.query(
      `INSERT INTO blobs (account_id, blob_id, sha256, size, expires_at) VALUES ($1, $2, $3, 10, now() - interval '1 second')`,
      [ACCOUNT, blobId, sha],
    );
    await pinSendBlobs(pool, ACCOUNT, [blobId]);
    const later = new Date(Date.now() + 60_000);
    await collectBlobs(pool, store, { now: later });
    expect(await store.stat(sha)).not.toBeNull();
    let routed = 0;
    const router = {
      route: async (_raw: Buffer, _from: string, rcpt: readonly string[]) => {
        routed++;
        return new Map<string, RecipientOutcome>(
          rcpt.map((r) => [r, { kind: 'delivered', smtpReply: '250 2.0.0 OK', local: false }]),
        );
      },
    };
    const sender = new SubmissionSender(
      pool,
      processor,
      store,
      router,
      config('four'),
      testLogger(),
      new Metrics('s-four'),
    );
    sender.start();
    try {
      await waitDone([id]);
    } finally {
      await sender.stop();
    }
    expect(routed).toBe(1);
    await collectBlobs(pool, store, { now: new Date(Date.now() + 120_000) });
    expect(await store.stat(sha)).toBeNull();
  });
});
