/**
 * Command handlers of the mailbox service: load the decider state inside the command's transaction (after the
 * account lock), decide, and let the command processor append, project and record the reply atomically.
 */
import { concurrencyError, type CommandProcessor, type DomainEvent } from '@jmap/event-store';
import { MAILBOX_TYPE, loadMailboxState } from '@jmap/mailbox-data-access';
import { decideCreateDefaults, decideSet } from '@jmap/mailbox-domain';
import type { CreateDefaultMailboxesReply, MailboxSetPayload, MailboxSetReply } from '@jmap/mailbox-contracts';
import type { CommandEnvelope } from '@jmap/messaging';
import type { PoolClient } from '@jmap/platform';
import { typeState } from '@jmap/event-store';

/**
 * Removes emails from mailboxes destroyed with onDestroyRemoveEmails (destroying the ones left in no mailbox).
 * Supplied by the email domain; returns the email events to append in the same transaction.
 */
export type MailboxEmailCascade = (tx: PoolClient, accountId: string, mailboxIds: readonly string[]) => Promise<DomainEvent[]>;

export function mailboxSetHandler(processor: CommandProcessor, cascade?: MailboxEmailCascade) {
  return async (cmd: CommandEnvelope): Promise<MailboxSetReply> => {
    const payload = cmd.payload as MailboxSetPayload;
    const { reply } = await processor.handle(cmd, async (ctx) => {
      const state = await loadMailboxState(ctx.tx, ctx.accountId);
      const decision = decideSet(state, payload, { newId: () => ctx.ids.next('M') });
      if (!decision.ok) throw concurrencyError('ifInState does not match the current Mailbox state');
      const cascaded = decision.destroyedWithEmails.length > 0 && cascade ? await cascade(ctx.tx, ctx.accountId, decision.destroyedWithEmails) : [];
      return {
        // Emails leave the mailboxes before the mailboxes go, so counts and memberships never name a ghost.
        events: [...cascaded, ...decision.events],
        reply: async (_appended, tx): Promise<MailboxSetReply> => ({
          oldState: state.state,
          newState: String(await typeState(tx, ctx.accountId, MAILBOX_TYPE)),
          ...decision.reply,
        }),
      };
    });
    return reply;
  };
}

export function createDefaultsHandler(processor: CommandProcessor) {
  return async (cmd: CommandEnvelope): Promise<CreateDefaultMailboxesReply> => {
    const { reply } = await processor.handle(cmd, async (ctx) => {
      const state = await loadMailboxState(ctx.tx, ctx.accountId);
      const { events, created } = decideCreateDefaults(state, { newId: () => ctx.ids.next('M') });
      return { events, reply: () => ({ created }) };
    });
    return reply;
  };
}
