/**
 * Events are tagged unions with a version (STYLE.md convention 1): `type` is past tense and starts with its
 * object (MailboxCreated), `v` is the schema version of `data`. Old versions are upcast on read.
 */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly v: number;
  readonly data: D;
}

/** An event as stored in an account's log. */
export interface StoredEvent<E extends DomainEvent = DomainEvent> {
  readonly accountId: string;
  readonly modseq: number;
  readonly event: E;
  readonly commandId?: string | null;
  readonly recordedAt: string;
}

/** What the outbox relay publishes on the events topic (one message per event, keyed by account id). */
export interface PublishedEvent {
  readonly accountId: string;
  readonly modseq: number;
  readonly type: string;
  readonly v: number;
  readonly data: unknown;
  /** The JMAP data types whose change log moved at this modseq (for push StateChanges). */
  readonly types: readonly string[];
  readonly recordedAt: string;
  /**
   * Set by a transport that could not carry `data` (larger than its message size bound): `data` is then `{}`
   * and a consumer that needs it reads the event from the log (ProjectorRunner does).
   */
  readonly dataOmitted?: boolean;
  /**
   * The data fields the relay left out because only inline projections read them (Projection.unpublished); a
   * consumer that needs the whole event reads it from the log.
   */
  readonly omitted?: readonly string[];
}

export function toPublished(e: StoredEvent, types: readonly string[], omitted?: readonly string[]): PublishedEvent {
  const published = {
    accountId: e.accountId,
    modseq: e.modseq,
    type: e.event.type,
    v: e.event.v,
    data: e.event.data,
    types,
    recordedAt: e.recordedAt,
  };
  return omitted && omitted.length > 0 ? { ...published, omitted } : published;
}

export function fromPublished(p: PublishedEvent): StoredEvent {
  return {
    accountId: p.accountId,
    modseq: p.modseq,
    event: { type: p.type, v: p.v, data: p.data },
    recordedAt: p.recordedAt,
  };
}
