/**
 * Which JMAP data types push knows and how their states move.
 *
 * Inline-projected types move in the command's own transaction: the outbox row of an event lists them
 * (PublishedEvent.types), and their new state is that event's modseq. Background-projected types move when
 * their projector applies the event; the push service waits (bounded) for that projector and reads the state.
 */

/** RFC 8621 section 1.5: a pseudo-type whose state changes when new mail is delivered into the account. */
export const EMAIL_DELIVERY = 'EmailDelivery';

export interface BackgroundType {
  /** The background projector (projector_positions.projector) whose change rows carry the type's state. */
  readonly projector: string;
  /** Inline types whose change means this type may have changed too. */
  readonly triggeredBy: readonly string[];
}

/**
 * Background-projected types. Thread is projected by the thread service from email events; the projector name is
 * THREAD_PROJECTOR of @jmap/thread-data-access (kept literal here: a domain library cannot import data access).
 */
export const BACKGROUND_TYPES: Readonly<Record<string, BackgroundType>> = {
  Thread: { projector: 'thread', triggeredBy: ['Email'] },
};

/**
 * The types whose states an EventSource id or WebSocket pushState records (for catching up after a
 * reconnect). A type outside this list still reaches clients as it changes.
 */
export const PUSH_DATA_TYPES: readonly string[] = [
  'Mailbox',
  'Email',
  'Thread',
  'Identity',
  'EmailSubmission',
  'VacationResponse',
  'SieveScript',
  'Quota',
];

/** Per-type states of one account: type name → modseq. */
export type TypeStates = Record<string, number>;

/** Per-account type states: account id → TypeStates. */
export type AccountStates = Record<string, TypeStates>;

/** The types a client asked for: null for every type. */
export type TypeFilter = ReadonlySet<string> | null;

export function filterStates(states: TypeStates, filter: TypeFilter): TypeStates {
  if (filter === null) return { ...states };
  const out: TypeStates = {};
  for (const [type, state] of Object.entries(states)) if (filter.has(type)) out[type] = state;
  return out;
}
