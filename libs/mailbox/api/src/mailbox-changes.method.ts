import { changesResponse, standardChanges } from '@jmap/gateway';
import { MAILBOX_TYPE } from '@jmap/mailbox-data-access';
import type { Pool } from '@jmap/platform';
import { Args, MAIL, parseChangesRequest, requireAccount, type JmapMethod, type MethodContext } from '@jmap/protocol';

/**
 * Mailbox/changes (RFC 8621 section 2.2): standard /changes plus updatedProperties, which lists the count
 * properties when every change in the window only moved counts (the email projection records those changes
 * with their property names), and is null otherwise.
 */
export class MailboxChangesMethod implements JmapMethod {
  readonly name = 'Mailbox/changes';
  readonly capability = MAIL;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseChangesRequest(args);
    args.done();
    requireAccount(ctx, req.accountId, MAIL);
    const folded = await standardChanges(this.pool, req.accountId, MAILBOX_TYPE, req);
    return { ...changesResponse(req.accountId, req.sinceState, folded), updatedProperties: folded.updatedProperties };
  }
}
