/**
 * The mailbox service's Nest module: handles the Mailbox commands (topic commands.mailbox). An app that hosts it
 * provides MAILBOX_EMAIL_CASCADE (the email service's EmailCascadeModule) so that onDestroyRemoveEmails works.
 */
import { Inject, Injectable, Module, Optional } from '@nestjs/common';
import type { CommandProcessor } from '@jmap/event-store';
import { MAILBOX_SERVICE, MailboxCommandTypes } from '@jmap/mailbox-contracts';
import { COMMAND_PROCESSOR, COMMAND_ROUTER, type CommandRouter } from '@jmap/runtime';
import { createDefaultsHandler, mailboxSetHandler, type MailboxEmailCascade } from './mailbox.handlers.js';
import { MAILBOX_EMAIL_CASCADE } from './mailbox-service.tokens.js';

@Injectable()
class MailboxCommandRegistration {
  constructor(
    @Inject(COMMAND_ROUTER) router: CommandRouter,
    @Inject(COMMAND_PROCESSOR) processor: CommandProcessor,
    @Optional() @Inject(MAILBOX_EMAIL_CASCADE) cascade?: MailboxEmailCascade,
  ) {
    router
      .handle(MAILBOX_SERVICE, MailboxCommandTypes.set, mailboxSetHandler(processor, cascade ?? undefined))
      .handle(MAILBOX_SERVICE, MailboxCommandTypes.createDefaults, createDefaultsHandler(processor));
  }
}

@Module({ providers: [MailboxCommandRegistration] })
export class MailboxServiceModule {}
