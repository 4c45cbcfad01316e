/**
 * Thread/get (RFC 8621 3.1). The Thread read model is a background projection (thread service): the read first
 * waits until the projector has applied everything committed to the account (read-your-writes, invariant 4, so
 * a Thread/get after an Email/import in the same request sees the new email), at most READ_WAIT_TIMEOUT_MS;
 * past that the call fails with serverUnavailable rather than answer stale data.
 */
import { ProjectionTimeoutError, waitForProjection } from '@jmap/event-store';
import type { Pool } from '@jmap/platform';
import {
  Args,
  MAIL,
  MethodError,
  encodeState,
  getResponse,
  parseGetRequest,
  requireAccount,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';
import { THREAD_PROJECTOR, allThreads, threadState, threadsByIds } from '@jmap/thread-data-access';

export async function waitForThreads(pool: Pool, accountId: string, timeoutMs: number): Promise<void> {
  try {
    await waitForProjection(pool, accountId, THREAD_PROJECTOR, timeoutMs);
  } catch (err) {
    if (err instanceof ProjectionTimeoutError) {
      throw new MethodError('serverUnavailable', 'The thread read model has not caught up yet; try again.');
    }
    throw err;
  }
}

export class ThreadGetMethod implements JmapMethod {
  readonly name = 'Thread/get';
  readonly capability = MAIL;

  constructor(
    private readonly pool: Pool,
    private readonly maxObjectsInGet: number,
    private readonly readWaitTimeoutMs: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseGetRequest(args, {
      allProperties: ['id', 'emailIds'],
      maxObjectsInGet: this.maxObjectsInGet,
    });
    args.done();
    requireAccount(ctx, req.accountId, MAIL);
    await waitForThreads(this.pool, req.accountId, this.readWaitTimeoutMs);
    const state = await threadState(this.pool, req.accountId);
    const threads =
      req.ids === null
        ? await allThreads(this.pool, req.accountId, req.maxObjects + 1)
        : await threadsByIds(this.pool, req.accountId, req.ids);
    return { ...getResponse(req, encodeState(state), threads) };
  }
}
