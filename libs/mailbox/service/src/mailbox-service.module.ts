/**
 * The mailbox service's Nest module: handles the Mailbox commands (topic commands.mailbox).
 */
import { Inject, Injectable, Module } from '@nestjs/common';
import type { CommandProcessor } from '@jmap/event-store';
import { MAILBOX_SERVICE, MailboxCommandTypes } from '@jmap/mailbox-contracts';
import { COMMAND_PROCESSOR, COMMAND_ROUTER, type CommandRouter } from '@jmap/runtime';
import { createDefaultsHandler, mailboxSetHandler } from './mailbox.handlers.js';

@Injectable()
class MailboxCommandRegistration {
  constructor(@Inject(COMMAND_ROUTER) router: CommandRouter, @Inject(COMMAND_PROCESSOR) processor: CommandProcessor) {
    router
      .handle(MAILBOX_SERVICE, MailboxCommandTypes.set, mailboxSetHandler(processor))
      .handle(MAILBOX_SERVICE, MailboxCommandTypes.createDefaults, createDefaultsHandler(processor));
  }
}

@Module({ providers: [MailboxCommandRegistration] })
export class MailboxServiceModule {}
