/** Reads of the Thread read model (Thread/get): each thread's emailIds, oldest receivedAt first, then by id. */
import { typeState } from '@jmap/event-store';
import type { Queryable } from '@jmap/platform';
import { THREAD_TYPE } from './thread.projection.js';

export interface ThreadRecord {
  id: string;
  emailIds: string[];
}

export function threadState(db: Queryable, accountId: string): Promise<number> {
  return typeState(db, accountId, THREAD_TYPE);
}

function group(rows: Array<{ thread_id: string; email_id: string }>): ThreadRecord[] {
  const threads = new Map<string, string[]>();
  for (const r of rows) threads.set(r.thread_id, [...(threads.get(r.thread_id) ?? []), r.email_id]);
  return [...threads].map(([id, emailIds]) => ({ id, emailIds }));
}

/** The threads with these ids; unknown ids are left out. */
export async function threadsByIds(
  db: Queryable,
  accountId: string,
  ids: readonly string[],
): Promise<ThreadRecord[]> {
  const { rows } = await db.query<{ thread_id: string; email_id: string }>(
    `SELECT thread_id, email_id FROM thread_emails WHERE account_id = $1 AND thread_id = ANY($2::text[])
      ORDER BY thread_id, received_at, email_id`,
    [accountId, ids],
  );
  return group(rows);
}

/** Every thread of the account, at most `limit` of them (the caller asks for one more to detect too many). */
export async function allThreads(db: Queryable, accountId: string, limit: number): Promise<ThreadRecord[]> {
  const { rows } = await db.query<{ thread_id: string; email_id: string }>(
    `SELECT t.thread_id, t.email_id FROM thread_emails t
      WHERE t.account_id = $1 AND t.thread_id IN (
        SELECT DISTINCT thread_id FROM thread_emails WHERE account_id = $1 ORDER BY thread_id LIMIT $2)
      ORDER BY t.thread_id, t.received_at, t.email_id`,
    [accountId, limit],
  );
  return group(rows);
}
