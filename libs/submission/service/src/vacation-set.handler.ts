/**
 * The VacationResponse/set command (RFC 8621 8.2): the singleton may only be updated; create and destroy are
 * refused with the "singleton" SetError (rfc-clarifications Q23). The whole object goes into the event.
 */
import { concurrencyError, typeState, type CommandProcessor } from '@jmap/event-store';
import type { CommandEnvelope } from '@jmap/messaging';
import { setError, type SetError } from '@jmap/protocol';
import { vacationResponse } from '@jmap/submission-data-access';
import {
  VACATION_RESPONSE_TYPE,
  VACATION_SINGLETON_ID,
  type VacationResponseSetPayload,
  type VacationResponseSetReply,
  type VacationResponseUpdated,
} from '@jmap/submission-contracts';
import { DEFAULT_VACATION, applyVacationPatch } from '@jmap/submission-domain';

export function vacationSetHandler(processor: CommandProcessor) {
  return async (cmd: CommandEnvelope): Promise<VacationResponseSetReply> => {
    const payload = cmd.payload as VacationResponseSetPayload;
    const { reply } = await processor.handle(cmd, async (ctx) => {
      const state = String(await typeState(ctx.tx, ctx.accountId, VACATION_RESPONSE_TYPE));
      if (payload.ifInState !== null && payload.ifInState !== state)
        throw concurrencyError('ifInState does not match the current VacationResponse state');
      let current = (await vacationResponse(ctx.tx, ctx.accountId)) ?? DEFAULT_VACATION;
      const notCreated: Record<string, SetError> = {};
      const notUpdated: Record<string, SetError> = {};
      const notDestroyed: Record<string, SetError> = {};
      const updated: Record<string, null> = {};
      for (const cid of Object.keys(payload.create))
        notCreated[cid] = setError('singleton', 'There is exactly one VacationResponse; update "singleton".');
      for (const id of payload.destroy)
        notDestroyed[id] = setError('singleton', 'The VacationResponse cannot be destroyed.');
      const events: VacationResponseUpdated[] = [];
      for (const [id, patch] of Object.entries(payload.update)) {
        if (id !== VACATION_SINGLETON_ID) {
          notUpdated[id] = setError('notFound');
          continue;
        }
        const next = applyVacationPatch(current, patch);
        if ('invalid' in next) {
          notUpdated[id] = setError('invalidProperties', 'Invalid VacationResponse properties.', {
            properties: next.invalid,
          });
          continue;
        }
        current = next;
        events.push({ type: 'VacationResponseUpdated', v: 1, data: next });
        updated[id] = null;
      }
      return {
        events,
        reply: async (_a, tx): Promise<VacationResponseSetReply> => ({
          oldState: state,
          newState: String(await typeState(tx, ctx.accountId, VACATION_RESPONSE_TYPE)),
          updated,
          notUpdated,
          notCreated,
          notDestroyed,
        }),
      };
    });
    return reply;
  };
}
