import { sendCommand } from '@jmap/gateway';
import { MAILBOX_SERVICE, MailboxCommandTypes, type MailboxSetPayload, type MailboxSetReply } from '@jmap/mailbox-contracts';
import type { CommandBus } from '@jmap/messaging';
import { Args, MAIL, parseSetRequest, requireAccount, setResponse, type JmapMethod, type MethodContext } from '@jmap/protocol';
import type { MailLimits } from './mail-capability.js';

/**
 * Mailbox/set (RFC 8621 section 2.5): parsed here, decided by the mailbox service under the account lock
 * (ifInState, tree rules, roles, rights), and the created ids are added to the request's createdIds.
 */
export class MailboxSetMethod implements JmapMethod {
  readonly name = 'Mailbox/set';
  readonly capability = MAIL;

  constructor(
    private readonly bus: CommandBus,
    private readonly maxObjectsInSet: number,
    private readonly limits: MailLimits,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseSetRequest(args, this.maxObjectsInSet, ctx.createdIds);
    const onDestroyRemoveEmails = args.boolean('onDestroyRemoveEmails', false);
    args.done();
    requireAccount(ctx, req.accountId, MAIL, { write: true });
    const payload: MailboxSetPayload = {
      ifInState: req.ifInState,
      create: req.create,
      update: req.update,
      destroy: req.destroy,
      onDestroyRemoveEmails,
      createdIds: Object.fromEntries(ctx.createdIds),
      limits: {
        maxMailboxDepth: this.limits.maxMailboxDepth,
        maxSizeMailboxName: this.limits.maxSizeMailboxName,
        mayCreateTopLevelMailbox: this.limits.mayCreateTopLevelMailbox,
      },
    };
    const reply = await sendCommand<MailboxSetReply>(this.bus, MAILBOX_SERVICE, MailboxCommandTypes.set, req.accountId, payload, ctx);
    for (const [cid, id] of Object.entries(reply.createdIds)) ctx.createdIds.set(cid, id);
    return { ...setResponse({ accountId: req.accountId, ...reply }) };
  }
}
