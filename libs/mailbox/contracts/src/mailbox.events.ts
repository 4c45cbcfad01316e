/**
 * Mailbox events (past tense, starting with their object; STYLE.md convention 1). `v` is the schema version.
 * Events carry every value the read models need, so a replay reproduces them (invariant 5).
 */

export interface MailboxFields {
  name: string;
  parentId: string | null;
  role: string | null;
  sortOrder: number;
  isSubscribed: boolean;
}

export interface MailboxCreated {
  readonly type: 'MailboxCreated';
  readonly v: 1;
  readonly data: { id: string } & MailboxFields;
}
export interface MailboxUpdated {
  readonly type: 'MailboxUpdated';
  readonly v: 1;
  readonly data: { id: string; changes: Partial<MailboxFields> };
}
export interface MailboxDestroyed {
  readonly type: 'MailboxDestroyed';
  readonly v: 1;
  readonly data: { id: string };
}

export type MailboxEvent = MailboxCreated | MailboxUpdated | MailboxDestroyed;

export const MAILBOX_EVENT_TYPES: ReadonlySet<string> = new Set(['MailboxCreated', 'MailboxUpdated', 'MailboxDestroyed']);

export function isMailboxEvent(e: { type: string }): e is MailboxEvent {
  return MAILBOX_EVENT_TYPES.has(e.type);
}
