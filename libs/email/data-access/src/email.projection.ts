/**
 * Inline projection of Email events into `emails`, `email_mailboxes` and `email_message_ids`, the Email change
 * log, and the counts of the mailboxes the change touches (ADR 0002). Runs in the appending command's
 * transaction, in every service that appends email events (libs/read-models), and in a rebuild.
 */
import type { ChangeRecorder, Projection, StoredEvent } from '@jmap/event-store';
import {
  isEmailEvent,
  type EmailCreated,
  type EmailDestroyed,
  type EmailKeywordsChanged,
  type EmailMailboxesChanged,
} from '@jmap/email-contracts';
import { isUnread } from '@jmap/email-domain';
import type { PoolClient } from '@jmap/platform';
import { insertEmails } from './email-rows.writer.js';
import { moveMailboxCounts, type MailboxMove } from './mailbox-counts.writer.js';

export const EMAIL_TYPE = 'Email';

interface Current {
  threadId: string;
  mailboxIds: string[];
  keywords: string[];
  receivedAt: Date;
}

async function current(tx: PoolClient, accountId: string, id: string): Promise<Current | null> {
  const { rows } = await tx.query<{
    thread_id: string;
    mailbox_ids: string[];
    keywords: string[];
    received_at: Date;
  }>('SELECT thread_id, mailbox_ids, keywords, received_at FROM emails WHERE account_id = $1 AND id = $2', [
    accountId,
    id,
  ]);
  const r = rows[0];
  return r
    ? { threadId: r.thread_id, mailboxIds: r.mailbox_ids, keywords: r.keywords, receivedAt: r.received_at }
    : null;
}

const present = (unread: boolean) => ({ in: true, unread });
const absent = { in: false, unread: false };

async function changeKeywords(
  tx: PoolClient,
  accountId: string,
  changes: ChangeRecorder,
  e: EmailKeywordsChanged,
): Promise<void> {
  const now = isUnread(e.data.keywords);
  // One statement reads the row as it was and writes the new keywords and unread flag (every part of it sees
  // the snapshot from before its writes; the account lock keeps other writers out).
  const { rows } = await tx.query<{ thread_id: string; mailbox_ids: string[]; keywords: string[] }>(
    `WITH cur AS (SELECT thread_id, mailbox_ids, keywords FROM emails WHERE account_id = $1 AND id = $2),
          kw AS (UPDATE emails SET keywords = $3 WHERE account_id = $1 AND id = $2),
          unread AS (UPDATE email_mailboxes SET unread = $4 WHERE account_id = $1 AND email_id = $2 AND unread <> $4)
     SELECT thread_id, mailbox_ids, keywords FROM cur`,
    [accountId, e.data.id, e.data.keywords, now],
  );
  const cur = rows[0]
    ? { threadId: rows[0].thread_id, mailboxIds: rows[0].mailbox_ids, keywords: rows[0].keywords }
    : null;
  if (!cur) return;
  const was = isUnread(cur.keywords);
  if (was !== now) {
    const moves = cur.mailboxIds.map((mailboxId) => ({
      mailboxId,
      before: present(was),
      after: present(now),
    }));
    await moveMailboxCounts(tx, accountId, [{ emailId: e.data.id, threadId: cur.threadId, moves, changes }]);
  }
  changes.record(EMAIL_TYPE, e.data.id, 'u');
}

async function changeMailboxes(
  tx: PoolClient,
  accountId: string,
  changes: ChangeRecorder,
  e: EmailMailboxesChanged,
): Promise<void> {
  const cur = await current(tx, accountId, e.data.id);
  if (!cur) return;
  const next = [...new Set(e.data.mailboxIds)];
  const removed = cur.mailboxIds.filter((m) => !next.includes(m));
  const added = next.filter((m) => !cur.mailboxIds.includes(m));
  const unread = isUnread(cur.keywords);
  await tx.query('UPDATE emails SET mailbox_ids = $3 WHERE account_id = $1 AND id = $2', [
    accountId,
    e.data.id,
    next,
  ]);
  await tx.query(
    'DELETE FROM email_mailboxes WHERE account_id = $1 AND email_id = $2 AND mailbox_id = ANY($3::text[])',
    [accountId, e.data.id, removed],
  );
  await tx.query(
    `INSERT INTO email_mailboxes (account_id, mailbox_id, email_id, received_at, thread_id, unread)
     SELECT $1, m, $3, $4, $5, $6 FROM unnest($2::text[]) AS m`,
    [accountId, added, e.data.id, cur.receivedAt, cur.threadId, unread],
  );
  const moves: MailboxMove[] = [
    ...removed.map((mailboxId) => ({ mailboxId, before: present(unread), after: absent })),
    ...added.map((mailboxId) => ({ mailboxId, before: absent, after: present(unread) })),
  ];
  await moveMailboxCounts(tx, accountId, [{ emailId: e.data.id, threadId: cur.threadId, moves, changes }]);
  changes.record(EMAIL_TYPE, e.data.id, 'u');
}

async function destroy(
  tx: PoolClient,
  accountId: string,
  changes: ChangeRecorder,
  e: EmailDestroyed,
): Promise<void> {
  const cur = await current(tx, accountId, e.data.id);
  if (!cur) return;
  const unread = isUnread(cur.keywords);
  for (const table of ['email_mailboxes', 'email_message_ids']) {
    await tx.query(`DELETE FROM ${table} WHERE account_id = $1 AND email_id = $2`, [accountId, e.data.id]);
  }
  await tx.query('DELETE FROM emails WHERE account_id = $1 AND id = $2', [accountId, e.data.id]);
  const moves = cur.mailboxIds.map((mailboxId) => ({ mailboxId, before: present(unread), after: absent }));
  await moveMailboxCounts(tx, accountId, [{ emailId: e.data.id, threadId: cur.threadId, moves, changes }]);
  changes.record(EMAIL_TYPE, e.data.id, 'd');
}

/** EmailCreated events, several at once: rows in three statements, counts in two (see mailbox-counts.writer). */
async function create(
  tx: PoolClient,
  accountId: string,
  events: readonly EmailCreated[],
  changes: readonly ChangeRecorder[],
): Promise<void> {
  const data = events.map((e) => e.data);
  await insertEmails(tx, accountId, data);
  const counts = data.map((d, i) => ({
    emailId: d.id,
    threadId: d.threadId,
    moves: d.mailboxIds.map((mailboxId) => ({
      mailboxId,
      before: absent,
      after: present(isUnread(d.keywords)),
    })),
    changes: changes[i],
  }));
  await moveMailboxCounts(tx, accountId, counts);
  data.forEach((d, i) => changes[i].record(EMAIL_TYPE, d.id, 'c'));
}

export const emailProjection: Projection = {
  name: 'emails',
  mode: 'inline',
  tables: [
    { table: 'emails', key: ['id'] },
    { table: 'email_mailboxes', key: ['email_id', 'mailbox_id'] },
    { table: 'email_message_ids', key: ['message_id', 'email_id'] },
  ],
  // The body text is for the full-text document written here; no consumer of the events topic reads it, and it
  // is most of an EmailCreated event (about 10 of 15 KB for the benchmark's mail).
  unpublished: { EmailCreated: ['textExtract'] },
  async apply(tx: PoolClient, stored: StoredEvent, changes: ChangeRecorder): Promise<void> {
    const e = stored.event;
    if (!isEmailEvent(e)) return;
    const accountId = stored.accountId;
    switch (e.type) {
      case 'EmailCreated':
        return create(tx, accountId, [e], [changes]);
      case 'EmailKeywordsChanged':
        return changeKeywords(tx, accountId, changes, e);
      case 'EmailMailboxesChanged':
        return changeMailboxes(tx, accountId, changes, e);
      case 'EmailDestroyed':
        return destroy(tx, accountId, changes, e);
      default: {
        const never: never = e;
        throw new Error(`unhandled ${(never as { type: string }).type}`);
      }
    }
  },
  /** A run of EmailCreated events goes in a few statements; any other run one event at a time. */
  async applyMany(
    tx: PoolClient,
    events: readonly StoredEvent[],
    changes: readonly ChangeRecorder[],
  ): Promise<void> {
    if (events.every((s) => s.event.type === 'EmailCreated')) {
      return create(
        tx,
        events[0].accountId,
        events.map((s) => s.event as EmailCreated),
        changes,
      );
    }
    for (const [i, e] of events.entries()) await emailProjection.apply(tx, e, changes[i]);
  },
};
