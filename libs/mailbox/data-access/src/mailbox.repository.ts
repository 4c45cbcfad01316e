/**
 * Reads of the mailbox read model: for the gateway's Mailbox methods and for the mailbox service's decider state.
 */
import { typeState } from '@jmap/event-store';
import type { Mailbox, MailboxCounts, MailboxState } from '@jmap/mailbox-domain';
import type { Queryable } from '@jmap/platform';
import { MAILBOX_TYPE } from './mailbox.projection.js';

export interface MailboxRow extends Mailbox, MailboxCounts {}

interface Raw {
  id: string;
  name: string;
  parent_id: string | null;
  role: string | null;
  sort_order: number;
  is_subscribed: boolean;
  total_emails: number;
  unread_emails: number;
  total_threads: number;
  unread_threads: number;
}

const toRow = (r: Raw): MailboxRow => ({
  id: r.id,
  name: r.name,
  parentId: r.parent_id,
  role: r.role,
  sortOrder: r.sort_order,
  isSubscribed: r.is_subscribed,
  totalEmails: r.total_emails,
  unreadEmails: r.unread_emails,
  totalThreads: r.total_threads,
  unreadThreads: r.unread_threads,
});

const SELECT = `SELECT id, name, parent_id, role, sort_order, is_subscribed, total_emails, unread_emails, total_threads, unread_threads
                  FROM mailboxes`;

export async function listMailboxes(db: Queryable, accountId: string): Promise<MailboxRow[]> {
  const { rows } = await db.query<Raw>(`${SELECT} WHERE account_id = $1`, [accountId]);
  return rows.map(toRow);
}

export async function mailboxesByIds(db: Queryable, accountId: string, ids: readonly string[]): Promise<MailboxRow[]> {
  const { rows } = await db.query<Raw>(`${SELECT} WHERE account_id = $1 AND id = ANY($2)`, [accountId, ids]);
  return rows.map(toRow);
}

export function mailboxState(db: Queryable, accountId: string): Promise<number> {
  return typeState(db, accountId, MAILBOX_TYPE);
}

/** The decider's view of the account, read inside the command's transaction (after the account lock). */
export async function loadMailboxState(db: Queryable, accountId: string): Promise<MailboxState> {
  const state = await mailboxState(db, accountId);
  const rows = await listMailboxes(db, accountId);
  const mailboxes = new Map<string, Mailbox>();
  const counts = new Map<string, MailboxCounts>();
  for (const r of rows) {
    const { totalEmails, unreadEmails, totalThreads, unreadThreads, ...m } = r;
    mailboxes.set(r.id, m);
    counts.set(r.id, { totalEmails, unreadEmails, totalThreads, unreadThreads });
  }
  return { state: String(state), mailboxes, counts };
}
