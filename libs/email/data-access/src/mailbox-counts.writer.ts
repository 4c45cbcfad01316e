/**
 * Moves the mailbox counts for emails' changes, inside the email projection's transaction (ADR 0002), and
 * records, on each change's own event, a Mailbox change naming only the count properties that moved for it
 * (Mailbox/changes updatedProperties).
 *
 * The thread counts need the other emails of the same thread in each mailbox: they are read once for all the
 * changes (email_mailboxes_thread_idx), leaving out the changing emails themselves, and the changes are then
 * played in order in memory, so a run of changes (the EmailCreated events of one import) gives exactly what
 * applying them one at a time gives. Leaving the changing emails out makes it indifferent to whether their
 * membership rows are written before or after.
 */
import type { ChangeRecorder } from '@jmap/event-store';
import {
  countDeltas,
  movedCounts,
  type CountDeltas,
  type Membership,
  type ThreadPeers,
} from '@jmap/email-domain';
import { MAILBOX_TYPE } from '@jmap/mailbox-data-access';
import type { PoolClient } from '@jmap/platform';

export interface MailboxMove {
  mailboxId: string;
  before: Membership;
  after: Membership;
}

/** One email's change: its moves between mailboxes or read states, recorded on its event's recorder. */
export interface EmailCountChange {
  emailId: string;
  threadId: string;
  moves: readonly MailboxMove[];
  changes: ChangeRecorder;
}

const key = (threadId: string, mailboxId: string) => `${threadId}\u0000${mailboxId}`;
const moves = (m: MailboxMove) =>
  m.before.in !== m.after.in || (m.after.in && m.before.unread !== m.after.unread);

async function threadPeers(
  tx: PoolClient,
  accountId: string,
  changes: readonly EmailCountChange[],
): Promise<Map<string, ThreadPeers>> {
  const pairs = new Map<string, [string, string]>();
  for (const c of changes)
    for (const m of c.moves.filter(moves)) pairs.set(key(c.threadId, m.mailboxId), [c.threadId, m.mailboxId]);
  if (pairs.size === 0) return new Map();
  const { rows } = await tx.query<{ thread_id: string; mailbox_id: string; emails: number; unread: number }>(
    `SELECT thread_id, mailbox_id, count(*)::int AS emails, count(*) FILTER (WHERE unread)::int AS unread
       FROM email_mailboxes
      WHERE account_id = $1 AND (thread_id, mailbox_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))
        AND email_id <> ALL($4::text[])
      GROUP BY thread_id, mailbox_id`,
    [
      accountId,
      [...pairs.values()].map((p) => p[0]),
      [...pairs.values()].map((p) => p[1]),
      changes.map((c) => c.emailId),
    ],
  );
  return new Map(rows.map((r) => [key(r.thread_id, r.mailbox_id), { emails: r.emails, unread: r.unread }]));
}

const bit = (b: boolean) => (b ? 1 : 0);

export async function moveMailboxCounts(
  tx: PoolClient,
  accountId: string,
  changes: readonly EmailCountChange[],
): Promise<void> {
  const peers = await threadPeers(tx, accountId, changes);
  const totals = new Map<string, CountDeltas>();
  const records: Array<{ changes: ChangeRecorder; mailboxId: string; props: string[] }> = [];
  for (const c of changes) {
    for (const m of c.moves.filter(moves)) {
      const k = key(c.threadId, m.mailboxId);
      const p = peers.get(k) ?? { emails: 0, unread: 0 };
      const d = countDeltas(p, m.before, m.after);
      const props = movedCounts(d);
      if (props.length === 0) continue;
      const t = totals.get(m.mailboxId) ?? {
        totalEmails: 0,
        unreadEmails: 0,
        totalThreads: 0,
        unreadThreads: 0,
      };
      for (const prop of props as Array<keyof CountDeltas>) t[prop] += d[prop];
      totals.set(m.mailboxId, t);
      records.push({ changes: c.changes, mailboxId: m.mailboxId, props });
      // The email now counts among the thread's emails in that mailbox for the changes after it.
      peers.set(k, {
        emails: p.emails + bit(m.after.in) - bit(m.before.in),
        unread: p.unread + bit(m.after.in && m.after.unread) - bit(m.before.in && m.before.unread),
      });
    }
  }
  if (totals.size === 0) return;
  const ids = [...totals.keys()];
  const { rows } = await tx.query<{ id: string }>(
    `UPDATE mailboxes m
        SET total_emails = m.total_emails + d.te, unread_emails = m.unread_emails + d.ue,
            total_threads = m.total_threads + d.tt, unread_threads = m.unread_threads + d.ut
       FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[]) AS d(id, te, ue, tt, ut)
      WHERE m.account_id = $1 AND m.id = d.id
      RETURNING m.id`,
    [
      accountId,
      ids,
      ids.map((id) => totals.get(id)!.totalEmails),
      ids.map((id) => totals.get(id)!.unreadEmails),
      ids.map((id) => totals.get(id)!.totalThreads),
      ids.map((id) => totals.get(id)!.unreadThreads),
    ],
  );
  const exists = new Set(rows.map((r) => r.id));
  for (const r of records)
    if (exists.has(r.mailboxId)) r.changes.record(MAILBOX_TYPE, r.mailboxId, 'u', r.props);
}
