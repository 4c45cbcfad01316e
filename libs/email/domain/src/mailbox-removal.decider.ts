/**
 * Emails leaving mailboxes that are destroyed (Mailbox/set with onDestroyRemoveEmails, RFC 8621 2.5): an email
 * that stays in another mailbox gets its new mailbox set; one left in no mailbox is destroyed, since an Email
 * "MUST belong to one or more Mailboxes at all times (until it is destroyed)" (RFC 8621 4.1.1).
 */
import type { EmailDestroyed, EmailMailboxesChanged } from '@jmap/email-contracts';

export interface EmailMembership {
  id: string;
  mailboxIds: readonly string[];
}

export function decideRemoveMailboxes(
  emails: readonly EmailMembership[],
  removed: readonly string[],
): Array<EmailMailboxesChanged | EmailDestroyed> {
  const gone = new Set(removed);
  const events: Array<EmailMailboxesChanged | EmailDestroyed> = [];
  for (const email of emails) {
    const remaining = email.mailboxIds.filter((id) => !gone.has(id));
    if (remaining.length === email.mailboxIds.length) continue;
    events.push(
      remaining.length > 0
        ? { type: 'EmailMailboxesChanged', v: 1, data: { id: email.id, mailboxIds: remaining } }
        : { type: 'EmailDestroyed', v: 1, data: { id: email.id } },
    );
  }
  return events;
}
