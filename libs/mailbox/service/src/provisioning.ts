import type { CommandProcessor } from '@jmap/event-store';
import { MailboxCommandTypes, type CreateDefaultMailboxesReply } from '@jmap/mailbox-contracts';
import { createDefaultsHandler } from './mailbox.handlers.js';

/**
 * Gives a new account its standard mailboxes (inbox, drafts, sent, archive, junk, trash) through the event log,
 * in-process (the admin command line and the standalone server use it without a message bus). Idempotent: the
 * command id is fixed per account and the decider skips roles that exist.
 */
export function provisionDefaultMailboxes(processor: CommandProcessor, accountId: string): Promise<CreateDefaultMailboxesReply> {
  return createDefaultsHandler(processor)({
    commandId: `provision-mailboxes:${accountId}`,
    accountId,
    type: MailboxCommandTypes.createDefaults,
    payload: {},
    issuedAt: new Date().toISOString(),
  });
}
