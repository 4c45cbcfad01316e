/**
 * Email import and the email read models on the real PostgreSQL and S3 (MinIO): the import handler as the email
 * service runs it, a scripted history of keyword and mailbox changes and destroys (the events the later
 * Email/set appends, applied through the same CommandProcessor), the mailbox counts compared with a recount after
 * every step, redelivery, and a rebuild of the account that reproduces every row (invariant 5).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3BlobStore } from '@jmap/blob-store';
import { storeBlob } from '@jmap/blobs';
import type { EmailImportReply } from '@jmap/email-contracts';
import {
  CommandProcessor,
  EventReader,
  ProjectionRegistry,
  ProjectorRunner,
  Rebuilder,
  catchUpProjector,
  toPublished,
  type DomainEvent,
} from '@jmap/event-store';
import { provisionDefaultMailboxes } from '@jmap/mailbox-service';
import { Metrics, createPool, type Pool } from '@jmap/platform';
import { allProjections } from '@jmap/read-models';
import { createTestDatabase, testEndpoints, testLogger, uniqueName } from '@jmap/testing';
import { threadProjection } from '@jmap/thread-data-access';
import { Client } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailImportHandler } from './email-import.handler.js';
import { mailboxEmailCascade } from './mailbox-cascade.js';

const ACCOUNT = 'A-email-int';
const MESSAGES = join(import.meta.dirname, '..', '..', '..', '..', 'tests', 'fixtures', 'mime', 'messages');
const logger = testLogger('email-int');
const endpoints = testEndpoints();
let pool: Pool;
let drop: () => Promise<void>;
let store: S3BlobStore;
const bucket = uniqueName('email-int-');
let processor: CommandProcessor;
let inbox: string;
let archive: string;
let commands = 0;

const importEmails = emailImportHandler({
  get pool() {
    return pool;
  },
  get store() {
    return store;
  },
  get processor() {
    return processor;
  },
  logger,
});

async function importMessages(
  raws: Buffer[],
  mailboxIds: string[],
  commandId = `import-${++commands}`,
): Promise<EmailImportReply> {
  const emails = [];
  for (const [i, data] of raws.entries()) {
    const { blobId } = await storeBlob(pool, store, { accountId: ACCOUNT, data, expiresInSeconds: 3600 });
    emails.push({
      creationId: `c${i}`,
      blobId,
      mailboxIds,
      keywords: i % 2 ? ['$seen'] : [],
      receivedAt: null,
    });
  }
  return importEmails({
    commandId,
    accountId: ACCOUNT,
    type: 'Email/import',
    payload: { ifInState: null, emails },
    issuedAt: new Date().toISOString(),
  });
}

/** Appends events as a later command (Email/set) would, through the same processor and projections. */
async function append(events: DomainEvent[]): Promise<void> {
  await processor.handle(
    { accountId: ACCOUNT, commandId: `script-${++commands}`, type: 'script' },
    async () => ({ events, reply: () => null }),
  );
}

async function countsMismatch(): Promise<unknown[]> {
  const { rows } = await pool.query(
    `WITH m AS (SELECT unnest(mailbox_ids) AS mailbox_id, thread_id, NOT (keywords && ARRAY['$seen', '$draft']) AS unread
                  FROM emails WHERE account_id = $1),
          r AS (SELECT b.id, count(m.mailbox_id)::int AS te, count(m.mailbox_id) FILTER (WHERE m.unread)::int AS ue,
                       count(DISTINCT m.thread_id)::int AS tt, count(DISTINCT m.thread_id) FILTER (WHERE m.unread)::int AS ut
                  FROM mailboxes b LEFT JOIN m ON m.mailbox_id = b.id WHERE b.account_id = $1 GROUP BY b.id)
     SELECT b.id, b.total_emails, r.te, b.unread_emails, r.ue, b.total_threads, r.tt, b.unread_threads, r.ut
       FROM mailboxes b JOIN r ON r.id = b.id
      WHERE b.account_id = $1 AND (b.total_emails, b.unread_emails, b.total_threads, b.unread_threads) <> (r.te, r.ue, r.tt, r.ut)`,
    [ACCOUNT],
  );
  return rows;
}

async function emailIds(): Promise<
  Array<{ id: string; thread_id: string; mailbox_ids: string[]; keywords: string[] }>
> {
  const { rows } = await pool.query(
    'SELECT id, thread_id, mailbox_ids, keywords FROM emails WHERE account_id = $1 ORDER BY id',
    [ACCOUNT],
  );
  return rows;
}

beforeAll(async () => {
  const db = await createTestDatabase(endpoints.DATABASE_URL);
  drop = db.drop;
  pool = createPool(db.url, 6, 'email-int');
  store = new S3BlobStore({
    endpoint: endpoints.S3_ENDPOINT,
    region: 'us-east-1',
    bucket,
    accessKey: endpoints.S3_ACCESS_KEY,
    secretKey: endpoints.S3_SECRET_KEY,
  });
  await store.init();
  processor = new CommandProcessor(
    pool,
    new ProjectionRegistry().register(...allProjections()),
    new Metrics('email-int'),
    logger,
  );
  const { created } = await provisionDefaultMailboxes(processor, ACCOUNT);
  [inbox, archive] = [created.inbox, created.archive];
});

afterAll(async () => {
  await pool?.end();
  await drop?.();
  const u = new URL(endpoints.S3_ENDPOINT);
  const client = new Client({
    endPoint: u.hostname,
    port: Number(u.port),
    useSSL: false,
    accessKey: endpoints.S3_ACCESS_KEY,
    secretKey: endpoints.S3_SECRET_KEY,
    pathStyle: true,
  });
  const keys: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) keys.push((item as { name: string }).name);
  if (keys.length) await client.removeObjects(bucket, keys);
  await client.removeBucket(bucket);
});

describe('email import and read models on PostgreSQL and S3', () => {
  it('imports real messages, marks their blobs referenced, and answers a redelivery with the same reply', async () => {
    const raws = readdirSync(MESSAGES)
      .sort()
      .slice(0, 40)
      .map((f) => readFileSync(join(MESSAGES, f)));
    const first = await importMessages(raws, [inbox], 'import-corpus');
    expect(Object.keys(first.created)).toHaveLength(40);
    const again = await importMessages(raws, [inbox], 'import-corpus');
    expect(again).toEqual(first);
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n FROM blobs WHERE account_id = $1 AND expires_at IS NULL',
      [ACCOUNT],
    );
    expect(rows[0].n).toBe(40);
    expect(await countsMismatch()).toEqual([]);
  });

  it('keeps the mailbox counts equal to a recount through keyword changes, moves, copies and destroys', async () => {
    const emails = await emailIds();
    const steps: DomainEvent[][] = [
      emails
        .slice(0, 10)
        .map((e) => ({ type: 'EmailKeywordsChanged', v: 1, data: { id: e.id, keywords: ['$seen'] } })),
      emails
        .slice(5, 15)
        .map((e) => ({
          type: 'EmailMailboxesChanged',
          v: 1,
          data: { id: e.id, mailboxIds: [inbox, archive] },
        })),
      emails
        .slice(8, 12)
        .map((e) => ({ type: 'EmailMailboxesChanged', v: 1, data: { id: e.id, mailboxIds: [archive] } })),
      emails
        .slice(0, 20)
        .map((e) => ({
          type: 'EmailKeywordsChanged',
          v: 1,
          data: { id: e.id, keywords: ['$draft', '$flagged'] },
        })),
      emails.slice(10, 13).map((e) => ({ type: 'EmailDestroyed', v: 1, data: { id: e.id } })),
      emails
        .slice(0, 3)
        .map((e) => ({ type: 'EmailKeywordsChanged', v: 1, data: { id: e.id, keywords: [] } })),
    ];
    for (const [i, events] of steps.entries()) {
      await append(events);
      expect(await countsMismatch(), `after step ${i}`).toEqual([]);
    }
    await processor.handle({ accountId: ACCOUNT, commandId: 'cascade', type: 'script' }, async (ctx) => ({
      events: await mailboxEmailCascade(ctx.tx, ACCOUNT, [archive]),
      reply: () => null,
    }));
    expect(await countsMismatch()).toEqual([]);
    expect((await emailIds()).some((e) => e.mailbox_ids.includes(archive))).toBe(false);
  });

  it('threads replies with their parents in one call and across calls', async () => {
    const msg = (id: string, subject: string, refs: string[] = []) =>
      Buffer.from(
        [
          `Subject: ${subject}`,
          `Message-ID: <${id}>`,
          ...(refs.length ? [`References: ${refs.map((r) => `<${r}>`).join(' ')}`] : []),
          '',
          'x',
          '',
        ].join('\r\n'),
      );
    const a = await importMessages([msg('t1@x', 'Topic'), msg('t2@x', 'Re: Topic', ['t1@x'])], [inbox]);
    const b = await importMessages(
      [msg('t3@x', 'RE: Topic', ['t1@x', 't2@x']), msg('t4@x', 'Topic')],
      [inbox],
    );
    expect(a.created.c1.threadId).toBe(a.created.c0.threadId);
    expect(b.created.c0.threadId).toBe(a.created.c0.threadId);
    expect(b.created.c1.threadId).not.toBe(a.created.c0.threadId);
  });

  it('rebuilds the account from its events to identical rows, the thread read model included', async () => {
    const reader = new EventReader();
    const runner = new ProjectorRunner(
      pool,
      threadProjection,
      reader,
      new Metrics('email-int-threads'),
      logger,
    );
    const registry = new ProjectionRegistry().register(...allProjections());
    // An event the transport carried without its data (too large for a Kafka message) is read from the log.
    const [first] = (await reader.read(pool, ACCOUNT, 1, 1000)).filter(
      (e) => e.event.type === 'EmailCreated',
    );
    // The rest as the outbox relay publishes them: EmailCreated without the body text, which only the inline
    // email projection reads (its full-text document); the log keeps it.
    const unpublished = registry.unpublished;
    expect(Object.fromEntries(unpublished)).toEqual({ EmailCreated: ['textExtract'] });
    const upTo = await reader.read(pool, ACCOUNT, 1, first.modseq, undefined, unpublished);
    const created = upTo.filter((e) => e.event.type === 'EmailCreated').map((e) => e.event.data as object);
    expect(created.length).toBeGreaterThan(0);
    expect(created.filter((d) => 'textExtract' in d)).toEqual([]);
    expect((first.event.data as { textExtract: string }).textExtract.length).toBeGreaterThan(0);
    await runner.handle(
      upTo.map((e) => ({
        ...toPublished(e, [], unpublished.get(e.event.type)),
        ...(e === upTo.at(-1) ? { data: {}, dataOmitted: true } : {}),
      })),
    );
    const threaded = await pool.query(
      'SELECT thread_id FROM thread_emails WHERE account_id = $1 AND email_id = $2',
      [ACCOUNT, (first.event.data as { id: string }).id],
    );
    expect(threaded.rows).toEqual([{ thread_id: (first.event.data as { threadId: string }).threadId }]);
    await catchUpProjector(pool, runner, reader);
    const { rows } = await pool.query(
      'SELECT count(DISTINCT thread_id)::int AS n FROM thread_emails WHERE account_id = $1',
      [ACCOUNT],
    );
    expect(rows[0].n).toBeGreaterThan(30);
    const rebuilder = new Rebuilder(pool, registry, reader, logger);
    const report = await rebuilder.rebuildAccount(ACCOUNT, { verify: true });
    expect(report.differences).toEqual([]);
    expect(report.rows).toBeGreaterThan(200);
  });
});
