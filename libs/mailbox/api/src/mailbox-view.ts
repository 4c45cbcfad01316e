import { rightsFor } from '@jmap/mailbox-domain';
import type { MailboxRow } from '@jmap/mailbox-data-access';

export const MAILBOX_PROPERTIES = [
  'id',
  'name',
  'parentId',
  'role',
  'sortOrder',
  'totalEmails',
  'unreadEmails',
  'totalThreads',
  'unreadThreads',
  'myRights',
  'isSubscribed',
] as const;

/** The JMAP Mailbox object of a read-model row, with the caller's rights. */
export function toMailboxObject(row: MailboxRow, readOnly: boolean): Record<string, unknown> {
  return { ...row, myRights: rightsFor(row, readOnly) };
}
