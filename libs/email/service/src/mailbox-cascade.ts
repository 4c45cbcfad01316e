/**
 * The email side of Mailbox/set's onDestroyRemoveEmails (RFC 8621 2.5): the events that take the emails out
 * of the destroyed mailboxes, appended in the mailbox command's own transaction before the MailboxDestroyed
 * events (so counts and memberships never name a mailbox that is gone).
 */
import { Global, Module } from '@nestjs/common';
import { emailsInMailboxes } from '@jmap/email-data-access';
import { decideRemoveMailboxes } from '@jmap/email-domain';
import { MAILBOX_EMAIL_CASCADE, type MailboxEmailCascade } from '@jmap/mailbox-service';

export const mailboxEmailCascade: MailboxEmailCascade = async (tx, accountId, mailboxIds) =>
  decideRemoveMailboxes(await emailsInMailboxes(tx, accountId, mailboxIds), mailboxIds);

/** Provides MAILBOX_EMAIL_CASCADE to the app's MailboxServiceModule. */
@Global()
@Module({
  providers: [{ provide: MAILBOX_EMAIL_CASCADE, useValue: mailboxEmailCascade }],
  exports: [MAILBOX_EMAIL_CASCADE],
})
export class EmailCascadeModule {}
