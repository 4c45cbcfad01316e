/**
 * Shared pieces of the standard methods at the gateway: /changes over the change log, and sending a /set-like
 * command to the owning service with JMAP errors for the ways that can fail.
 */
import { randomUUID } from 'node:crypto';
import { changesSince, typeState } from '@jmap/event-store';
import { CommandFailedError, type CommandBus } from '@jmap/messaging';
import type { Queryable } from '@jmap/platform';
import {
  decodeCursor,
  foldChanges,
  MethodError,
  sinceCursor,
  type ChangesRequest,
  type FoldedChanges,
  type MethodContext,
} from '@jmap/protocol';

/** Server cap on ids per /changes answer when the client gives no maxChanges. */
export const MAX_CHANGES_CAP = 5000;

export async function standardChanges(
  db: Queryable,
  accountId: string,
  type: string,
  req: ChangesRequest,
): Promise<FoldedChanges> {
  // The current state is read before the rows so the answer never claims changes it did not return.
  const current = await typeState(db, accountId, type);
  const since = sinceCursor(req.sinceState, current);
  const limit = Math.min(req.maxChanges ?? MAX_CHANGES_CAP, MAX_CHANGES_CAP);
  const rows = await changesSince(db, accountId, type, since, limit + 1);
  return foldChanges(rows, limit, since, current);
}

export function changesResponse(
  accountId: string,
  oldState: string,
  folded: FoldedChanges,
): Record<string, unknown> {
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
      const known = [
        'stateMismatch',
        'serverUnavailable',
        'invalidArguments',
        'forbidden',
        'notFound',
        'requestTooLarge',
        'overQuota',
      ];
      const type_ = known.includes(err.error.type) ? err.error.type : 'serverFail';
      throw new MethodError(type_, err.error.description);
    }
    throw err;
  }
}

/** Change rows a /queryChanges reads at most; beyond that it answers cannotCalculateChanges (query again). */
export const MAX_QUERY_CHANGE_ROWS = 100_000;

export interface QueryChangesSince {
  /** Ids of objects changed (created, updated or destroyed) since the query state. */
  changed: Set<string>;
  /** Ids among them that existed at the query state (their first change was not a create). */
  existedBefore: Set<string>;
  /** Ids among them destroyed since. */
  destroyed: Set<string>;
  /** The state the answer describes: the newest the rows show (read after the current state). */
  newState: number;
}

/**
 * The first steps of every /queryChanges (RFC 8620 5.6): the query state must be one this server issued for the
 * type, and the type's change rows since it say which objects changed and which existed before.
 */
export async function queryChangesSince(
  db: Queryable,
  accountId: string,
  type: string,
  sinceQueryState: string,
): Promise<QueryChangesSince> {
  const current = await typeState(db, accountId, type);
  const since = decodeCursor(sinceQueryState);
  if (!since || since.objectId !== null || since.modseq > current) {
    throw new MethodError('cannotCalculateChanges', 'The query state is not one this server issued.');
  }
  const rows = await changesSince(db, accountId, type, since, MAX_QUERY_CHANGE_ROWS + 1);
  if (rows.length > MAX_QUERY_CHANGE_ROWS)
    throw new MethodError('cannotCalculateChanges', 'Too many changes since that state; query again.');
  const changed = new Set<string>();
  const existedBefore = new Set<string>();
  const destroyed = new Set<string>();
  for (const r of rows) {
    if (!changed.has(r.objectId) && r.kind !== 'c') existedBefore.add(r.objectId);
    if (r.kind === 'd') destroyed.add(r.objectId);
    changed.add(r.objectId);
  }
  const newState = rows.length > 0 ? Math.max(current, rows[rows.length - 1].modseq) : current;
  return { changed, existedBefore, destroyed, newState };
}
