/**
 * The email side of Mailbox/set's onDestroyRemoveEmails (RFC 8621 2.5): the events that take the emails out
 * of the destroyed mailboxes, appended in the mailbox command's own transaction before the MailboxDestroyed
 * events (so counts and memberships never name a mailbox that is gone).
 */
import { Global, Module } from '@nestjs/common';
import { releaseEmailBlobs } from '@jmap/blobs';
import { emailsInMailboxes } from '@jmap/email-data-access';
import { decideRemoveMailboxes } from '@jmap/email-domain';
import { MAILBOX_EMAIL_CASCADE, type MailboxEmailCascade } from '@jmap/mailbox-service';
import { loadConfig } from '@jmap/platform';

/**
 * The emails' events; the message blobs of the emails destroyed are released as by Email/set's destroy (ADR 0007),
 * expiring UPLOAD_EXPIRY_SECONDS later unless another email of the account names them.
 */
export const mailboxEmailCascade: MailboxEmailCascade = async (tx, accountId, mailboxIds) => {
  const events = decideRemoveMailboxes(await emailsInMailboxes(tx, accountId, mailboxIds), mailboxIds);
  const destroyed = events.filter((e) => e.type === 'EmailDestroyed').map((e) => e.data.id);
  if (destroyed.length > 0) {
    const { rows } = await tx.query<{ blob_id: string }>(
      'SELECT DISTINCT blob_id FROM emails WHERE account_id = $1 AND id = ANY($2::text[])',
      [accountId, destroyed],
    );
    const grace = loadConfig(['UPLOAD_EXPIRY_SECONDS']).UPLOAD_EXPIRY_SECONDS;
    await releaseEmailBlobs(
      tx,
      accountId,
      rows.map((r) => r.blob_id),
      destroyed,
      grace,
    );
  }
  return events;
};

/** Provides MAILBOX_EMAIL_CASCADE to the app's MailboxServiceModule. */
@Global()
@Module({
  providers: [{ provide: MAILBOX_EMAIL_CASCADE, useValue: mailboxEmailCascade }],
  exports: [MAILBOX_EMAIL_CASCADE],
})
export class EmailCascadeModule {}
