/**
 * The start of a push connection (EventSource or WebSocket with push on): the states the client is taken to
 * hold, and what it missed while away. Without a previous id/pushState the client holds the current states
 * (nothing is sent until something changes); with one, every type whose current state is newer than the one
 * the token records is sent at once (RFC 8620 section 7.3, RFC 8887 section 4.3.5.2).
 *
 * Live StateChanges that arrive while the current states are read are buffered and then offered to the
 * tracker, which drops those the baseline already covers: nothing is lost in the gap and nothing is doubled.
 */
import type { Queryable } from '@jmap/platform';
import { currentStates } from '@jmap/push-data-access';
import { decodePushState, PUSH_DATA_TYPES, PushStateTracker, type AccountStates, type TypeFilter, type TypeStates } from '@jmap/push-domain';
import type { PushConnection, StateChangeHub } from './state-change-hub.js';

export interface PushSession {
  readonly tracker: PushStateTracker;
  /** Missed changes to send first (null when none). */
  readonly catchUp: AccountStates | null;
  /** Passes on the live changes that arrived during the start (call after sending the catch-up). */
  flush(): void;
  /** Removes the connection from the hub. */
  close(): void;
}

/**
 * Registers a connection and computes its baseline. `send` receives the fresh states of one account (already
 * recorded in the tracker) for every later StateChange.
 */
export async function openPushSession(
  db: Queryable,
  hub: StateChangeHub,
  options: {
    kind: PushConnection['kind'];
    accountIds: readonly string[];
    filter: TypeFilter;
    lastSeen: string | null | undefined;
    /** Ends the client's connection when the gateway shuts down. */
    end?: () => void;
  },
  send: (accountId: string, fresh: TypeStates) => void,
): Promise<PushSession> {
  const tracker = new PushStateTracker(options.filter);
  let buffer: Array<[string, TypeStates]> | null = [];
  const deliver = (accountId: string, states: TypeStates): boolean => {
    if (buffer) {
      buffer.push([accountId, states]);
      return false;
    }
    const fresh = tracker.offer(accountId, states);
    if (fresh) send(accountId, fresh);
    return fresh !== null;
  };
  const close = hub.register({ kind: options.kind, accountIds: new Set(options.accountIds), deliver, close: options.end });
  try {
    // Every type's state, also of types the filter leaves out: the tracker's token records them all.
    const current = await currentStates(db, options.accountIds, [...PUSH_DATA_TYPES]);
    const seen = decodePushState(options.lastSeen);
    let catchUp: AccountStates | null = null;
    for (const accountId of options.accountIds) {
      const now = current[accountId] ?? {};
      if (!seen) {
        tracker.know(accountId, now);
        continue;
      }
      // A recorded state newer than the current one (a token from elsewhere) must not hide later changes.
      const base: TypeStates = {};
      for (const [type, state] of Object.entries(now)) base[type] = Math.min(seen[accountId]?.[type] ?? 0, state);
      tracker.know(accountId, base);
      const fresh = tracker.offer(accountId, now);
      if (fresh) (catchUp ??= {})[accountId] = fresh;
    }
    const pending = buffer;
    buffer = null;
    return { tracker, catchUp, close, flush: () => pending.forEach(([a, s]) => deliver(a, s)) };
  } catch (err) {
    close();
    throw err;
  }
}
