import { listMailboxes, mailboxState, mailboxesByIds } from '@jmap/mailbox-data-access';
import type { Pool } from '@jmap/platform';
import { Args, MAIL, encodeState, getResponse, parseGetRequest, requireAccount, type JmapMethod, type MethodContext } from '@jmap/protocol';
import { MAILBOX_PROPERTIES, toMailboxObject } from './mailbox-view.js';

/** Mailbox/get (RFC 8621 section 2.1): the state is read before the rows, so it never runs ahead of them. */
export class MailboxGetMethod implements JmapMethod {
  readonly name = 'Mailbox/get';
  readonly capability = MAIL;

  constructor(
    private readonly pool: Pool,
    private readonly maxObjectsInGet: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseGetRequest(args, { allProperties: MAILBOX_PROPERTIES, maxObjectsInGet: this.maxObjectsInGet });
    args.done();
    const account = requireAccount(ctx, req.accountId, MAIL);
    const state = await mailboxState(this.pool, req.accountId);
    const rows = req.ids === null ? await listMailboxes(this.pool, req.accountId) : await mailboxesByIds(this.pool, req.accountId, req.ids);
    const objects = rows.map((r) => toMailboxObject(r, account.isReadOnly) as { id: string });
    return { ...getResponse(req, encodeState(state), objects) };
  }
}
