/**
 * From committed events to StateChanges (RFC 8620 section 7.1), and the monotonic bookkeeping that lets every
 * receiver drop what it has already passed on.
 *
 * States are change-log positions (docs/adr/0003): a type's state is the modseq of its last change, so for a
 * run of one account's events the new state of each type they moved is the largest modseq among the events
 * that moved it, and a larger state is always newer. Keeping the largest state sent per (account, type) makes a
 * StateChange computed twice (Kafka redelivery, two push replicas during a rebalance) or arriving late (a
 * background type) harmless: nothing is passed on twice and nothing goes backwards.
 */
import { EMAIL_DELIVERY, filterStates, type AccountStates, type TypeFilter, type TypeStates } from './push-types.js';

/** The fields of a published event push looks at. */
export interface EventSummary {
  readonly modseq: number;
  readonly type: string;
  readonly types: readonly string[];
  readonly data: unknown;
}

/** Decides whether an event delivered new mail (RFC 8621 section 1.5 EmailDelivery). */
export type DeliveryDetector = (event: EventSummary) => boolean;

/** The inline types one account's run of events moved, each with its new state. */
export function inlineStates(events: readonly EventSummary[], isDelivery: DeliveryDetector = () => false): TypeStates {
  const states: TypeStates = {};
  for (const e of events) {
    for (const type of e.types) states[type] = Math.max(states[type] ?? 0, e.modseq);
    if (isDelivery(e)) states[EMAIL_DELIVERY] = Math.max(states[EMAIL_DELIVERY] ?? 0, e.modseq);
  }
  return states;
}

export function toStateStrings(states: TypeStates): Record<string, string> {
  return Object.fromEntries(Object.entries(states).map(([t, s]) => [t, String(s)]));
}

/** Parses the state strings of a StateChange message back to numbers; anything that is not one of ours is dropped. */
export function fromStateStrings(changed: Readonly<Record<string, string>>): TypeStates {
  const out: TypeStates = {};
  for (const [type, state] of Object.entries(changed)) {
    if (/^(0|[1-9][0-9]{0,15})$/.test(state)) out[type] = Number(state);
  }
  return out;
}

/**
 * What one client connection (an EventSource or a WebSocket with push on) has been told: the largest state per
 * account and type. `offer` returns only what is newer, and records it.
 */
export class PushStateTracker {
  private readonly states: AccountStates = {};

  constructor(readonly filter: TypeFilter) {}

  /**
   * Records states the client is assumed to know without sending them (the baseline at connect), of every type,
   * not only the filtered ones: the pushState then covers every type, so a later WebSocketPushEnable for more
   * types with it reports only those that really changed since (RFC 8887 4.3.5.2).
   */
  know(accountId: string, states: TypeStates): void {
    const known = (this.states[accountId] ??= {});
    for (const [type, state] of Object.entries(states)) known[type] = Math.max(known[type] ?? 0, state);
  }

  /** The states among `states` that are newer than what was sent, now recorded as sent; null when none is. */
  offer(accountId: string, states: TypeStates): TypeStates | null {
    const known = (this.states[accountId] ??= {});
    let fresh: TypeStates | null = null;
    for (const [type, state] of Object.entries(filterStates(states, this.filter))) {
      if (state <= (known[type] ?? -1)) continue;
      known[type] = state;
      (fresh ??= {})[type] = state;
    }
    return fresh;
  }

  snapshot(): AccountStates {
    return structuredClone(this.states);
  }

  /** The SSE event id / WebSocket pushState: every state this connection's client holds, compactly. */
  encode(): string {
    return encodePushState(this.states);
  }
}

/**
 * Encodes account states as an opaque token: `accountId:type=state,...;...` (states in base 36) in base64url,
 * so it is printable ASCII without spaces or newlines and thus a valid SSE id.
 */
export function encodePushState(states: AccountStates): string {
  const parts: string[] = [];
  for (const [accountId, types] of Object.entries(states)) {
    const entries = Object.entries(types).map(([type, state]) => `${type}=${state.toString(36)}`);
    parts.push(`${accountId}:${entries.join(',')}`);
  }
  return Buffer.from(parts.join(';'), 'utf8').toString('base64url');
}

/** The states a token from encodePushState names; null when it is not one (a client may send anything). */
export function decodePushState(token: string | undefined | null): AccountStates | null {
  if (!token || token.length > 16_384 || !/^[A-Za-z0-9_-]*$/.test(token)) return null;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const out: AccountStates = {};
  if (text === '') return out;
  for (const part of text.split(';')) {
    const colon = part.indexOf(':');
    if (colon <= 0) return null;
    const states: TypeStates = {};
    const body = part.slice(colon + 1);
    for (const entry of body === '' ? [] : body.split(',')) {
      const m = /^([A-Za-z][A-Za-z0-9]{0,63})=([0-9a-z]{1,11})$/.exec(entry);
      if (!m) return null;
      states[m[1]] = parseInt(m[2], 36);
    }
    out[part.slice(0, colon)] = states;
  }
  return out;
}

/**
 * What changed while a client was away: the current states that differ from those it last saw (a type it never
 * saw counts as changed only when it has changed at all, i.e. its state is not 0).
 */
export function missedStates(seen: TypeStates | undefined, current: TypeStates): TypeStates | null {
  let out: TypeStates | null = null;
  for (const [type, state] of Object.entries(current)) {
    const before = seen?.[type] ?? 0;
    if (state !== before) (out ??= {})[type] = state;
  }
  return out;
}
