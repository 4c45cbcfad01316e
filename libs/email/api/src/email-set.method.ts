/**
 * Email/set (RFC 8621 4.6). The gateway checks each create (email-domain parseDraft), update (only `keywords`
 * and `mailboxIds`, whole or by patch path) and destroy, then sends ONE command to the email service, which
 * composes the drafts and decides everything atomically under the account lock (ifInState → stateMismatch).
 *
 * Reuse from another method of the same request (EmailSubmission/set onSuccessUpdateEmail /
 * onSuccessDestroyEmail, RFC 8621 7.5):
 *
 *   import { implicitEmailSet } from '@jmap/email-api';
 *   const response = await implicitEmailSet(bus, ctx, accountId, { update: { [emailId]: patch }, destroy: [emailId] });
 *   ctx.addResponse('Email/set', response);
 *
 * `bus` is the COMMAND_BUS (@jmap/runtime); keys of `update` and ids in `destroy` are email ids ("#creationId"
 * is resolved through ctx.createdIds, so map a submission's "#id" to its emailId first). It returns the
 * Email/set response arguments (SetResponse) and throws MethodError like the method itself.
 */
import {
  EMAIL_SERVICE,
  EMAIL_SET_COMMAND,
  type EmailCreateItem,
  type EmailSetLimits,
  type EmailSetPayload,
  type EmailSetReply,
  type EmailUpdateItem,
} from '@jmap/email-contracts';
import { parseDraft } from '@jmap/email-domain';
import { sendCommand } from '@jmap/gateway';
import type { CommandBus } from '@jmap/messaging';
import {
  Args,
  MAIL,
  parseSetRequest,
  requireAccount,
  resolveIdRef,
  setError,
  setResponse,
  type JmapMethod,
  type MethodContext,
  type SetError,
  type SetResponse,
} from '@jmap/protocol';
import { emailSetLimits } from './email-set-limits.js';
import { parseEmailPatch } from './email-patch.js';

export interface EmailChanges {
  ifInState?: string | null;
  create?: Record<string, Record<string, unknown>>;
  update?: Record<string, Record<string, unknown>>;
  destroy?: string[];
}

/** Checks the changes, sends the command, records created ids; returns the Email/set response arguments. */
export async function runEmailSet(
  bus: CommandBus,
  ctx: MethodContext,
  accountId: string,
  changes: EmailChanges,
  limits: EmailSetLimits = emailSetLimits(),
): Promise<SetResponse> {
  const notCreated: Record<string, SetError> = {};
  const notUpdated: Record<string, SetError> = {};
  const create: EmailCreateItem[] = [];
  const resolve = (ref: string) => ctx.createdIds.get(ref) ?? null;
  for (const [cid, obj] of Object.entries(changes.create ?? {})) {
    const r = parseDraft(cid, obj, { resolve });
    if ('error' in r) notCreated[cid] = r.error;
    else if (r.item.keywords.length > limits.maxKeywordsPerEmail)
      notCreated[cid] = setError(
        'tooManyKeywords',
        `An email may have at most ${limits.maxKeywordsPerEmail} keywords.`,
      );
    else if (r.item.mailboxIds.length > limits.maxMailboxesPerEmail)
      notCreated[cid] = setError(
        'tooManyMailboxes',
        `An email may be in at most ${limits.maxMailboxesPerEmail} mailboxes (maxMailboxesPerEmail).`,
      );
    else create.push(r.item);
  }
  const update: EmailUpdateItem[] = [];
  for (const [rawId, patch] of Object.entries(changes.update ?? {})) {
    const id = resolveIdRef(rawId, ctx.createdIds);
    const r = parseEmailPatch(id, patch, resolve);
    if ('error' in r) notUpdated[id] = r.error;
    else update.push(r.item);
  }
  const destroy = [...new Set((changes.destroy ?? []).map((d) => resolveIdRef(d, ctx.createdIds)))];
  const payload: EmailSetPayload = { ifInState: changes.ifInState ?? null, create, update, destroy, limits };
  const reply = await sendCommand<EmailSetReply>(
    bus,
    EMAIL_SERVICE,
    EMAIL_SET_COMMAND,
    accountId,
    payload,
    ctx,
  );
  for (const [cid, created] of Object.entries(reply.created)) ctx.createdIds.set(cid, created.id);
  return setResponse({
    accountId,
    oldState: reply.oldState,
    newState: reply.newState,
    created: reply.created as unknown as Record<string, Record<string, unknown>>,
    updated: reply.updated,
    destroyed: reply.destroyed,
    notCreated: { ...notCreated, ...reply.notCreated },
    notUpdated: { ...notUpdated, ...reply.notUpdated },
    notDestroyed: reply.notDestroyed,
  });
}

/** Email/set from another method (EmailSubmission/set): update and destroy only, no ifInState. */
export function implicitEmailSet(
  bus: CommandBus,
  ctx: MethodContext,
  accountId: string,
  changes: {
    update?: Record<string, Record<string, unknown>>;
    destroy?: string[];
    ifInState?: string | null;
  },
): Promise<SetResponse> {
  return runEmailSet(bus, ctx, accountId, changes);
}

export class EmailSetMethod implements JmapMethod {
  readonly name = 'Email/set';
  readonly capability = MAIL;

  constructor(
    private readonly bus: CommandBus,
    private readonly maxObjectsInSet: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseSetRequest(args, this.maxObjectsInSet, ctx.createdIds);
    args.done();
    requireAccount(ctx, req.accountId, MAIL, { write: true });
    return { ...(await runEmailSet(this.bus, ctx, req.accountId, req)) };
  }
}
