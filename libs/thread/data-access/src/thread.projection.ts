/**
 * Background projection of Email events into the Thread read model (`thread_emails`) and the Thread change log,
 * run by the thread service from the events topic (ProjectorRunner keeps its position per account). A thread
 * exists while it has emails: its first email creates it, its last destroyed email destroys it, and every other
 * email joining or leaving updates it (its emailIds changed). Keyword and mailbox changes do not touch a Thread.
 */
import type { ChangeRecorder, Projection, StoredEvent } from '@jmap/event-store';
import { isEmailEvent, type EmailCreated } from '@jmap/email-contracts';
import type { PoolClient } from '@jmap/platform';

export const THREAD_TYPE = 'Thread';
/** The projector's name: its consumer group and its row in projector_positions. */
export const THREAD_PROJECTOR = 'thread';

async function threadSize(tx: PoolClient, accountId: string, threadId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM thread_emails WHERE account_id = $1 AND thread_id = $2',
    [accountId, threadId],
  );
  return rows[0].n;
}

/**
 * A run of EmailCreated events in two statements: which of their threads exist, then every row. Played in
 * order, an email creates its thread unless the thread existed or an earlier email of the run created it.
 */
async function createMany(
  tx: PoolClient,
  accountId: string,
  events: readonly EmailCreated[],
  changes: readonly ChangeRecorder[],
): Promise<void> {
  const data = events.map((e) => e.data);
  const { rows } = await tx.query<{ thread_id: string }>(
    'SELECT DISTINCT thread_id FROM thread_emails WHERE account_id = $1 AND thread_id = ANY($2::text[])',
    [accountId, [...new Set(data.map((d) => d.threadId))]],
  );
  const existing = new Set(rows.map((r) => r.thread_id));
  const inserted = await tx.query<{ email_id: string }>(
    `INSERT INTO thread_emails (account_id, email_id, thread_id, received_at)
     SELECT $1, e, t, r FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS x(e, t, r)
     ON CONFLICT (account_id, email_id) DO NOTHING RETURNING email_id`,
    [accountId, data.map((d) => d.id), data.map((d) => d.threadId), data.map((d) => d.receivedAt)],
  );
  const fresh = new Set(inserted.rows.map((r) => r.email_id));
  data.forEach((d, i) => {
    if (!fresh.has(d.id)) return;
    changes[i].record(THREAD_TYPE, d.threadId, existing.has(d.threadId) ? 'u' : 'c');
    existing.add(d.threadId);
  });
}

export const threadProjection: Projection = {
  name: THREAD_PROJECTOR,
  mode: 'background',
  tables: [{ table: 'thread_emails', key: ['email_id'] }],
  async apply(tx: PoolClient, stored: StoredEvent, changes: ChangeRecorder): Promise<void> {
    const e = stored.event;
    if (!isEmailEvent(e)) return;
    const accountId = stored.accountId;
    switch (e.type) {
      case 'EmailCreated': {
        const { id, threadId, receivedAt } = e.data;
        const existed = (await threadSize(tx, accountId, threadId)) > 0;
        const { rowCount } = await tx.query(
          `INSERT INTO thread_emails (account_id, email_id, thread_id, received_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (account_id, email_id) DO NOTHING`,
          [accountId, id, threadId, receivedAt],
        );
        if (rowCount) changes.record(THREAD_TYPE, threadId, existed ? 'u' : 'c');
        return;
      }
      case 'EmailDestroyed': {
        const { rows } = await tx.query<{ thread_id: string }>(
          'DELETE FROM thread_emails WHERE account_id = $1 AND email_id = $2 RETURNING thread_id',
          [accountId, e.data.id],
        );
        const threadId = rows[0]?.thread_id;
        if (threadId)
          changes.record(THREAD_TYPE, threadId, (await threadSize(tx, accountId, threadId)) > 0 ? 'u' : 'd');
        return;
      }
      case 'EmailKeywordsChanged':
      case 'EmailMailboxesChanged':
        return;
      default: {
        const never: never = e;
        throw new Error(`unhandled ${(never as { type: string }).type}`);
      }
    }
  },
  async applyMany(
    tx: PoolClient,
    events: readonly StoredEvent[],
    changes: readonly ChangeRecorder[],
  ): Promise<void> {
    if (events.every((s) => s.event.type === 'EmailCreated')) {
      return createMany(
        tx,
        events[0].accountId,
        events.map((s) => s.event as EmailCreated),
        changes,
      );
    }
    for (const [i, e] of events.entries()) await threadProjection.apply(tx, e, changes[i]);
  },
};
