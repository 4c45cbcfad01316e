/**
 * Identity/get, Identity/changes and Identity/set (RFC 8621 section 6) at the gateway, under the
 * urn:ietf:params:jmap:submission capability. Reads come from the identities read model; /set goes to the
 * identity handlers (hosted by the submission service) as one command, decided under the account lock.
 *
 * Default identity: accounts get theirs when provisioned (admin `account create`, the standalone demo account).
 * An account that existed before identities did gets it lazily: the first Identity call on an account whose
 * Identity log is empty sends Identity/createDefault with a fixed command id, so it happens once.
 */
import { changesResponse, sendCommand, standardChanges } from '@jmap/gateway';
import {
  IDENTITY_SERVICE,
  IdentityCommandTypes,
  type IdentitySetPayload,
  type IdentitySetReply,
} from '@jmap/identity-contracts';
import { IDENTITY_TYPE, identitiesByIds, identityState, listIdentities } from '@jmap/identity-data-access';
import { IDENTITY_PROPERTIES } from '@jmap/identity-domain';
import { CommandFailedError, type CommandBus } from '@jmap/messaging';
import type { Pool } from '@jmap/platform';
import {
  Args,
  MethodError,
  SUBMISSION,
  encodeState,
  getResponse,
  parseChangesRequest,
  parseGetRequest,
  parseSetRequest,
  requireAccount,
  setResponse,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';

/** The fixed command id of an account's default identity (the same as the provisioning one). */
const defaultCommandId = (accountId: string) => `provision-identity:${accountId}`;

/** Creates the account's default identity when its Identity log is empty (once per account). */
export async function ensureDefaultIdentity(
  pool: Pool,
  bus: CommandBus,
  accountId: string,
  ctx: MethodContext,
): Promise<void> {
  if ((await identityState(pool, accountId)) > 0) return;
  try {
    await bus.send(IDENTITY_SERVICE, {
      commandId: defaultCommandId(accountId),
      accountId,
      type: IdentityCommandTypes.createDefault,
      payload: {},
      issuedAt: new Date().toISOString(),
      principalId: ctx.principal.id,
      requestId: ctx.requestId,
    });
  } catch (err) {
    if (err instanceof CommandFailedError) throw new MethodError('serverUnavailable', err.error.description);
    throw err;
  }
}

export class IdentityGetMethod implements JmapMethod {
  readonly name = 'Identity/get';
  readonly capability = SUBMISSION;

  constructor(
    private readonly pool: Pool,
    private readonly bus: CommandBus,
    private readonly maxObjectsInGet: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseGetRequest(args, {
      allProperties: IDENTITY_PROPERTIES,
      maxObjectsInGet: this.maxObjectsInGet,
    });
    args.done();
    requireAccount(ctx, req.accountId, SUBMISSION);
    await ensureDefaultIdentity(this.pool, this.bus, req.accountId, ctx);
    // The state is read before the rows, so it never runs ahead of them.
    const state = await identityState(this.pool, req.accountId);
    const rows =
      req.ids === null
        ? await listIdentities(this.pool, req.accountId)
        : await identitiesByIds(this.pool, req.accountId, req.ids);
    return { ...getResponse(req, encodeState(state), rows) };
  }
}

export class IdentityChangesMethod implements JmapMethod {
  readonly name = 'Identity/changes';
  readonly capability = SUBMISSION;

  constructor(
    private readonly pool: Pool,
    private readonly bus: CommandBus,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseChangesRequest(args);
    args.done();
    requireAccount(ctx, req.accountId, SUBMISSION);
    await ensureDefaultIdentity(this.pool, this.bus, req.accountId, ctx);
    const folded = await standardChanges(this.pool, req.accountId, IDENTITY_TYPE, req);
    return changesResponse(req.accountId, req.sinceState, folded);
  }
}

export class IdentitySetMethod implements JmapMethod {
  readonly name = 'Identity/set';
  readonly capability = SUBMISSION;

  constructor(
    private readonly pool: Pool,
    private readonly bus: CommandBus,
    private readonly maxObjectsInSet: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseSetRequest(args, this.maxObjectsInSet, ctx.createdIds);
    args.done();
    requireAccount(ctx, req.accountId, SUBMISSION, { write: true });
    await ensureDefaultIdentity(this.pool, this.bus, req.accountId, ctx);
    const payload: IdentitySetPayload = {
      ifInState: req.ifInState,
      create: req.create,
      update: req.update,
      destroy: req.destroy,
    };
    const reply = await sendCommand<IdentitySetReply>(
      this.bus,
      IDENTITY_SERVICE,
      IdentityCommandTypes.set,
      req.accountId,
      payload,
      ctx,
    );
    for (const [cid, id] of Object.entries(reply.createdIds)) ctx.createdIds.set(cid, id);
    const { createdIds: _ids, ...rest } = reply;
    return { ...setResponse({ accountId: req.accountId, ...rest }) };
  }
}
