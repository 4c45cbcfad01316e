/**
 * Command handlers of the identities (hosted by the submission service): load the decider state inside the
 * command's transaction (after the account lock), decide, and let the command processor append, project and
 * record the reply atomically.
 */
import { concurrencyError, typeState, type CommandProcessor } from '@jmap/event-store';
import type {
  CreateDefaultIdentityPayload,
  CreateDefaultIdentityReply,
  IdentitySetPayload,
  IdentitySetReply,
} from '@jmap/identity-contracts';
import {
  IDENTITY_TYPE,
  listIdentities,
  loadIdentityState,
  ownerName,
  primaryAddress,
} from '@jmap/identity-data-access';
import { decideCreateDefaultIdentity, decideIdentitySet } from '@jmap/identity-domain';
import type { CommandEnvelope } from '@jmap/messaging';

export function identitySetHandler(processor: CommandProcessor) {
  return async (cmd: CommandEnvelope): Promise<IdentitySetReply> => {
    const payload = cmd.payload as IdentitySetPayload;
    const { reply } = await processor.handle(cmd, async (ctx) => {
      const state = await loadIdentityState(ctx.tx, ctx.accountId);
      const decision = decideIdentitySet(state, payload, { newId: () => ctx.ids.next('I') });
      if (!decision.ok) throw concurrencyError('ifInState does not match the current Identity state');
      return {
        events: decision.events,
        reply: async (_appended, tx): Promise<IdentitySetReply> => ({
          oldState: state.state,
          newState: String(await typeState(tx, ctx.accountId, IDENTITY_TYPE)),
          ...decision.reply,
        }),
      };
    });
    return reply;
  };
}

export function createDefaultIdentityHandler(processor: CommandProcessor) {
  return async (cmd: CommandEnvelope): Promise<CreateDefaultIdentityReply> => {
    const payload = (cmd.payload ?? {}) as Partial<CreateDefaultIdentityPayload>;
    const { reply } = await processor.handle(cmd, async (ctx) => {
      const identities = new Map((await listIdentities(ctx.tx, ctx.accountId)).map((i) => [i.id, i]));
      const event = decideCreateDefaultIdentity(
        { identities },
        {
          email: await primaryAddress(ctx.tx, ctx.accountId),
          name: payload.name ?? (await ownerName(ctx.tx, ctx.accountId)),
        },
        { newId: () => ctx.ids.next('I') },
      );
      return {
        events: event ? [event] : [],
        reply: (): CreateDefaultIdentityReply => ({
          created: event?.type === 'IdentityCreated' ? event.data.id : null,
        }),
      };
    });
    return reply;
  };
}

/** The fixed command id of an account's default identity: provisioning it twice is handling it once. */
export const defaultIdentityCommandId = (accountId: string) => `provision-identity:${accountId}`;

/**
 * Gives an account its default identity through the event log, in-process (the admin command line and the
 * standalone server use it without a message bus). Idempotent.
 */
export function provisionDefaultIdentity(
  processor: CommandProcessor,
  accountId: string,
): Promise<CreateDefaultIdentityReply> {
  return createDefaultIdentityHandler(processor)({
    commandId: defaultIdentityCommandId(accountId),
    accountId,
    type: 'Identity/createDefault',
    payload: {},
    issuedAt: new Date().toISOString(),
  });
}
