/**
 * Shared pieces of the standard methods at the gateway: /changes over the change log, and sending a /set-like
 * command to the owning service with JMAP errors for the ways that can fail.
 */
import { randomUUID } from 'node:crypto';
import { changesSince, typeState } from '@jmap/event-store';
import { CommandFailedError, type CommandBus } from '@jmap/messaging';
import type { Queryable } from '@jmap/platform';
import { foldChanges, MethodError, sinceCursor, type ChangesRequest, type FoldedChanges, type MethodContext } from '@jmap/protocol';

/** Server cap on ids per /changes answer when the client gives no maxChanges. */
export const MAX_CHANGES_CAP = 5000;

export async function standardChanges(db: Queryable, accountId: string, type: string, req: ChangesRequest): Promise<FoldedChanges> {
  // The current state is read before the rows so the answer never claims changes it did not return.
  const current = await typeState(db, accountId, type);
  const since = sinceCursor(req.sinceState, current);
  const limit = Math.min(req.maxChanges ?? MAX_CHANGES_CAP, MAX_CHANGES_CAP);
  const rows = await changesSince(db, accountId, type, since, limit + 1);
  return foldChanges(rows, limit, since, current);
}

export function changesResponse(accountId: string, oldState: string, folded: FoldedChanges): Record<string, unknown> {
  return {
    accountId,
    oldState,
    newState: folded.newState,
    hasMoreChanges: folded.hasMoreChanges,
    created: folded.created,
    updated: folded.updated,
    destroyed: folded.destroyed,
  };
}

/** Sends a command for a method call; maps the service's failure to the method-level error the RFC names. */
export async function sendCommand<R>(
  bus: CommandBus,
  service: string,
  type: string,
  accountId: string,
  payload: unknown,
  ctx: MethodContext,
): Promise<R> {
  try {
    return await bus.send<R>(service, {
      commandId: randomUUID(),
      accountId,
      type,
      payload,
      issuedAt: new Date().toISOString(),
      principalId: ctx.principal.id,
      requestId: ctx.requestId,
    });
  } catch (err) {
    if (err instanceof CommandFailedError) {
      const known = ['stateMismatch', 'serverUnavailable', 'invalidArguments', 'forbidden', 'notFound', 'requestTooLarge', 'overQuota'];
      const type_ = known.includes(err.error.type) ? err.error.type : 'serverFail';
      throw new MethodError(type_, err.error.description);
    }
    throw err;
  }
}
