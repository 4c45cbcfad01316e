import { changesResponse, standardChanges } from '@jmap/gateway';
import type { Pool } from '@jmap/platform';
import {
  Args,
  MAIL,
  parseChangesRequest,
  requireAccount,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';
import { THREAD_TYPE } from '@jmap/thread-data-access';
import { waitForThreads } from './thread-get.method.js';

/** Thread/changes (RFC 8621 3.2): standard /changes over the Thread change log, after the same wait as Thread/get. */
export class ThreadChangesMethod implements JmapMethod {
  readonly name = 'Thread/changes';
  readonly capability = MAIL;

  constructor(
    private readonly pool: Pool,
    private readonly readWaitTimeoutMs: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseChangesRequest(args);
    args.done();
    requireAccount(ctx, req.accountId, MAIL);
    await waitForThreads(this.pool, req.accountId, this.readWaitTimeoutMs);
    const folded = await standardChanges(this.pool, req.accountId, THREAD_TYPE, req);
    return changesResponse(req.accountId, req.sinceState, folded);
  }
}
