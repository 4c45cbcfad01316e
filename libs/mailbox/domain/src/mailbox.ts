/**
 * The Mailbox aggregate's state and its pure rules (RFC 8621 section 2). No I/O here (STYLE.md: domain
 * libraries may not import infrastructure).
 */
import type { MailboxEvent, MailboxFields } from '@jmap/mailbox-contracts';

export interface Mailbox extends MailboxFields {
  readonly id: string;
}

export interface MailboxState {
  /** The account's Mailbox state string (the modseq of the last Mailbox change). */
  readonly state: string;
  readonly mailboxes: Map<string, Mailbox>;
  /** The server-set counts of each mailbox (read from the read model; maintained by the email projection). */
  readonly counts: ReadonlyMap<string, MailboxCounts>;
}

export interface MailboxCounts {
  totalEmails: number;
  unreadEmails: number;
  totalThreads: number;
  unreadThreads: number;
}

export const ZERO_COUNTS: MailboxCounts = { totalEmails: 0, unreadEmails: 0, totalThreads: 0, unreadThreads: 0 };

/**
 * Roles: the IANA "IMAP Mailbox Name Attributes" registry (RFC 8457 and later registrations) in lowercase,
 * as RFC 8621 section 2 requires.
 */
export const MAILBOX_ROLES: ReadonlySet<string> = new Set([
  'all',
  'archive',
  'drafts',
  'flagged',
  'important',
  'inbox',
  'junk',
  'sent',
  'subscribed',
  'trash',
  'snoozed',
  'scheduled',
  'memos',
]);

export const DEFAULT_MAILBOXES: ReadonlyArray<{ name: string; role: string; sortOrder: number }> = [
  { name: 'Inbox', role: 'inbox', sortOrder: 1 },
  { name: 'Drafts', role: 'drafts', sortOrder: 2 },
  { name: 'Sent', role: 'sent', sortOrder: 3 },
  { name: 'Archive', role: 'archive', sortOrder: 4 },
  { name: 'Junk', role: 'junk', sortOrder: 5 },
  { name: 'Trash', role: 'trash', sortOrder: 6 },
];

export interface MailboxRights {
  mayReadItems: boolean;
  mayAddItems: boolean;
  mayRemoveItems: boolean;
  maySetSeen: boolean;
  maySetKeywords: boolean;
  mayCreateChild: boolean;
  mayRename: boolean;
  mayDelete: boolean;
  maySubmit: boolean;
}

/**
 * The owner's rights. The Inbox may not be renamed, moved or deleted (mail delivery depends on it), as in the
 * RFC's own example; read-only accounts get read rights only.
 */
export function rightsFor(mailbox: Pick<Mailbox, 'role'>, readOnly = false): MailboxRights {
  if (readOnly) {
    return {
      mayReadItems: true,
      mayAddItems: false,
      mayRemoveItems: false,
      maySetSeen: false,
      maySetKeywords: false,
      mayCreateChild: false,
      mayRename: false,
      mayDelete: false,
      maySubmit: false,
    };
  }
  const inbox = mailbox.role === 'inbox';
  return {
    mayReadItems: true,
    mayAddItems: true,
    mayRemoveItems: true,
    maySetSeen: true,
    maySetKeywords: true,
    mayCreateChild: true,
    mayRename: !inbox,
    mayDelete: !inbox,
    maySubmit: true,
  };
}

/** Depth of a mailbox: 1 at the top level. */
export function depthOf(mailboxes: ReadonlyMap<string, Mailbox>, id: string | null): number {
  let depth = 0;
  for (let cur = id; cur !== null && depth <= mailboxes.size; depth++) cur = mailboxes.get(cur)?.parentId ?? null;
  return depth;
}

/** Height of the subtree rooted at id (1 for a leaf). */
export function subtreeHeight(mailboxes: ReadonlyMap<string, Mailbox>, id: string): number {
  let max = 0;
  for (const m of mailboxes.values()) if (m.parentId === id) max = Math.max(max, subtreeHeight(mailboxes, m.id));
  return max + 1;
}

/** True when `ancestor` is `id` or one of its ancestors. */
export function isSelfOrAncestor(mailboxes: ReadonlyMap<string, Mailbox>, ancestor: string, id: string | null): boolean {
  for (let cur = id, steps = 0; cur !== null && steps <= mailboxes.size; steps++) {
    if (cur === ancestor) return true;
    cur = mailboxes.get(cur)?.parentId ?? null;
  }
  return false;
}

export function evolve(mailboxes: Map<string, Mailbox>, event: MailboxEvent): void {
  switch (event.type) {
    case 'MailboxCreated': {
      const { id, ...fields } = event.data;
      mailboxes.set(id, { id, ...fields });
      return;
    }
    case 'MailboxUpdated': {
      const current = mailboxes.get(event.data.id);
      if (current) mailboxes.set(current.id, { ...current, ...event.data.changes });
      return;
    }
    case 'MailboxDestroyed':
      mailboxes.delete(event.data.id);
      return;
    default: {
      const never: never = event;
      throw new Error(`unhandled mailbox event ${(never as { type: string }).type}`);
    }
  }
}
