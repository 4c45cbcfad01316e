/**
 * EmailSubmission/set (RFC 8621 7.5): parsed here, decided by the submission service under the account lock.
 * onSuccessUpdateEmail / onSuccessDestroyEmail then run as one implicit Email/set call (the email slice's
 * implicitEmailSet entry point), in the same request context, and its response follows with the same call id
 * (rfc-clarifications Q19: synchronously).
 */
import { implicitEmailSet as runEmailSet } from '@jmap/email-api';
import { sendCommand } from '@jmap/gateway';
import type { CommandBus } from '@jmap/messaging';
import {
  Args,
  MethodError,
  SUBMISSION,
  isPlainObject,
  parseSetRequest,
  requireAccount,
  setResponse,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';
import {
  SUBMISSION_SERVICE,
  SubmissionCommandTypes,
  type EmailSubmissionSetPayload,
  type EmailSubmissionSetReply,
  type SubmissionLimits,
} from '@jmap/submission-contracts';

export interface ImplicitEmailSet {
  update: Record<string, Record<string, unknown>>;
  destroy: string[];
}

/**
 * The Email/set arguments for the submissions that succeeded: keys are submission ids or "#creationId" of a
 * submission created in this call; each names the submission's Email. Failed or unknown ones are left out.
 */
export function implicitEmailSet(
  reply: Pick<EmailSubmissionSetReply, 'createdIds' | 'emailIds'>,
  onSuccessUpdateEmail: Record<string, unknown> | null,
  onSuccessDestroyEmail: string[] | null,
): ImplicitEmailSet {
  const emailOf = (key: string): string | undefined => {
    const submissionId = key.startsWith('#') ? reply.createdIds[key.slice(1)] : key;
    return submissionId === undefined ? undefined : reply.emailIds[submissionId];
  };
  const update: Record<string, Record<string, unknown>> = {};
  for (const [key, patch] of Object.entries(onSuccessUpdateEmail ?? {})) {
    const emailId = emailOf(key);
    if (emailId) update[emailId] = { ...(update[emailId] ?? {}), ...(patch as Record<string, unknown>) };
  }
  const destroy = [
    ...new Set((onSuccessDestroyEmail ?? []).map(emailOf).filter((e): e is string => e !== undefined)),
  ];
  return { update, destroy };
}

export class EmailSubmissionSetMethod implements JmapMethod {
  readonly name = 'EmailSubmission/set';
  readonly capability = SUBMISSION;

  constructor(
    private readonly bus: CommandBus,
    private readonly maxObjectsInSet: number,
    private readonly limits: SubmissionLimits,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseSetRequest(args, this.maxObjectsInSet, ctx.createdIds);
    const onSuccessUpdateEmail = args.object('onSuccessUpdateEmail');
    const destroyRaw = args.raw('onSuccessDestroyEmail');
    args.done();
    if (
      destroyRaw !== undefined &&
      destroyRaw !== null &&
      (!Array.isArray(destroyRaw) || !destroyRaw.every((d) => typeof d === 'string'))
    ) {
      throw new MethodError('invalidArguments', '"onSuccessDestroyEmail" must be an array of Ids or null.');
    }
    for (const [k, v] of Object.entries(onSuccessUpdateEmail ?? {})) {
      if (!isPlainObject(v))
        throw new MethodError('invalidArguments', `onSuccessUpdateEmail["${k}"] must be a PatchObject.`);
    }
    requireAccount(ctx, req.accountId, SUBMISSION, { write: true });
    const payload: EmailSubmissionSetPayload = {
      ifInState: req.ifInState,
      create: req.create,
      update: req.update,
      destroy: req.destroy,
      createdIds: Object.fromEntries(ctx.createdIds),
      limits: this.limits,
    };
    const reply = await sendCommand<EmailSubmissionSetReply>(
      this.bus,
      SUBMISSION_SERVICE,
      SubmissionCommandTypes.set,
      req.accountId,
      payload,
      ctx,
    );
    for (const [cid, id] of Object.entries(reply.createdIds)) ctx.createdIds.set(cid, id);
    const implicit = implicitEmailSet(
      reply,
      onSuccessUpdateEmail,
      (destroyRaw as string[] | null | undefined) ?? null,
    );
    if (Object.keys(implicit.update).length > 0 || implicit.destroy.length > 0)
      await this.emailSet(req.accountId, implicit, ctx);
    return { ...setResponse({ accountId: req.accountId, ...reply }) };
  }

  /** The implicit Email/set; its response (or error) is added after this method's response. */
  private async emailSet(accountId: string, implicit: ImplicitEmailSet, ctx: MethodContext): Promise<void> {
    try {
      const response = await runEmailSet(this.bus, ctx, accountId, {
        ...(Object.keys(implicit.update).length > 0 ? { update: implicit.update } : {}),
        ...(implicit.destroy.length > 0 ? { destroy: implicit.destroy } : {}),
      });
      ctx.addResponse('Email/set', { ...response });
    } catch (err) {
      if (err instanceof MethodError) ctx.addResponse('error', err.toArgs());
      else throw err;
    }
  }
}
