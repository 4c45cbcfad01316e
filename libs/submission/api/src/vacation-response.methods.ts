import { sendCommand } from '@jmap/gateway';
import { typeState } from '@jmap/event-store';
import type { CommandBus } from '@jmap/messaging';
import type { Pool } from '@jmap/platform';
import {
  Args,
  VACATION_RESPONSE,
  encodeState,
  getResponse,
  parseGetRequest,
  parseSetRequest,
  requireAccount,
  setResponse,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';
import {
  SUBMISSION_SERVICE,
  SubmissionCommandTypes,
  VACATION_RESPONSE_TYPE,
  VACATION_SINGLETON_ID,
  type VacationResponseSetPayload,
  type VacationResponseSetReply,
} from '@jmap/submission-contracts';
import { vacationResponse } from '@jmap/submission-data-access';
import { DEFAULT_VACATION } from '@jmap/submission-domain';

const PROPERTIES = ['id', 'isEnabled', 'fromDate', 'toDate', 'subject', 'textBody', 'htmlBody'];

/** VacationResponse/get (RFC 8621 8.1): exactly one object, id "singleton" (the default until it is set). */
export class VacationResponseGetMethod implements JmapMethod {
  readonly name = 'VacationResponse/get';
  readonly capability = VACATION_RESPONSE;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseGetRequest(args, { allProperties: PROPERTIES, maxObjectsInGet: 1_000 });
    args.done();
    requireAccount(ctx, req.accountId, VACATION_RESPONSE);
    const state = await typeState(this.pool, req.accountId, VACATION_RESPONSE_TYPE);
    const v = (await vacationResponse(this.pool, req.accountId)) ?? DEFAULT_VACATION;
    return { ...getResponse(req, encodeState(state), [{ id: VACATION_SINGLETON_ID, ...v }]) };
  }
}

/** VacationResponse/set (RFC 8621 8.2): updates of "singleton"; create and destroy get the "singleton" SetError. */
export class VacationResponseSetMethod implements JmapMethod {
  readonly name = 'VacationResponse/set';
  readonly capability = VACATION_RESPONSE;

  constructor(
    private readonly bus: CommandBus,
    private readonly maxObjectsInSet: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseSetRequest(args, this.maxObjectsInSet, ctx.createdIds);
    args.done();
    requireAccount(ctx, req.accountId, VACATION_RESPONSE, { write: true });
    const payload: VacationResponseSetPayload = {
      ifInState: req.ifInState,
      create: req.create,
      update: req.update,
      destroy: req.destroy,
    };
    const reply = await sendCommand<VacationResponseSetReply>(
      this.bus,
      SUBMISSION_SERVICE,
      SubmissionCommandTypes.vacationSet,
      req.accountId,
      payload,
      ctx,
    );
    return { ...setResponse({ accountId: req.accountId, ...reply }) };
  }
}
