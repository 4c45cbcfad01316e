import { changesResponse, standardChanges } from '@jmap/gateway';
import { EMAIL_TYPE } from '@jmap/email-data-access';
import type { Pool } from '@jmap/platform';
import {
  Args,
  MAIL,
  parseChangesRequest,
  requireAccount,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';

/**
 * Email/changes (RFC 8621 4.3): standard /changes over the Email change log. Changes come oldest first (the
 * RFC recommends newest first for intermediate states; ours are log positions, ADR 0003, which page forward).
 */
export class EmailChangesMethod implements JmapMethod {
  readonly name = 'Email/changes';
  readonly capability = MAIL;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseChangesRequest(args);
    args.done();
    requireAccount(ctx, req.accountId, MAIL);
    const folded = await standardChanges(this.pool, req.accountId, EMAIL_TYPE, req);
    return changesResponse(req.accountId, req.sinceState, folded);
  }
}
