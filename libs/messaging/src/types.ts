/**
 * The messaging contract every transport implements (Kafka for the distributed mode, in-process for the
 * standalone server and fast tests): commands to a service with one reply each, and the events topic.
 */
import type { EventPublisher, PublishedEvent } from '@jmap/event-store';

export interface CommandEnvelope<P = unknown> {
  /** Unique per logical command; a retry reuses it (invariant 3). */
  readonly commandId: string;
  readonly accountId: string;
  /** Command type, e.g. "Mailbox/set". */
  readonly type: string;
  readonly payload: P;
  /** ISO time the gateway issued it: the decider's clock. */
  readonly issuedAt: string;
  /** Who asked (for audit and logs). */
  readonly principalId?: string;
  /** Request id of the HTTP request that caused it (for logs). */
  readonly requestId?: string;
  /** Where the reply goes (a topic of the sending gateway replica). Set by the transport. */
  readonly replyTo?: string;
  /** 1 for the first send, 2 for the first retry ... */
  readonly attempt?: number;
  /** W3C trace context of the sender's span (absent when tracing is off): the service continues that trace. */
  readonly traceparent?: string;
}

export interface CommandError {
  /** A JMAP method-level error type: serverFail, serverUnavailable, invalidArguments ... */
  readonly type: string;
  readonly description: string;
}

export type CommandReply =
  | { readonly commandId: string; readonly ok: true; readonly result: unknown }
  | { readonly commandId: string; readonly ok: false; readonly error: CommandError };

/** The sending side (the gateway). */
export interface CommandBus {
  /** Sends and waits for the reply; resolves with the handler's result or rejects with CommandFailedError. */
  send<R = unknown>(service: string, command: Omit<CommandEnvelope, 'replyTo' | 'attempt'>): Promise<R>;
  close(): Promise<void>;
}

export type CommandHandler = (command: CommandEnvelope) => Promise<unknown>;

/** The receiving side (a domain service). */
export interface CommandConsumer {
  start(service: string, handler: CommandHandler): Promise<void>;
  stop(): Promise<void>;
}

export type EventHandler = (records: readonly PublishedEvent[]) => Promise<void>;

/** A consumer group on the events topic; the handler gets one account's events at a time, in order. */
export interface EventSubscriber {
  subscribe(group: string, handler: EventHandler): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One account's StateChange (RFC 8620 section 7.1) as the push service computed it: the new state of each type
 * that moved. States are change-log positions (docs/adr/0003), so a larger number is always newer: a consumer
 * that keeps the largest state it has passed on per type never passes on a change twice.
 */
export interface StateChangeMessage {
  readonly accountId: string;
  /** Type name → state string (decimal modseq). */
  readonly changed: Readonly<Record<string, string>>;
  /** The last modseq of the account's log this message accounts for. */
  readonly modseq: number;
  /** ISO time the newest event behind it was committed (for the push latency metric). */
  readonly committedAt: string;
}

/** The push service's side of the statechanges topic. */
export interface StateChangePublisher {
  publish(message: StateChangeMessage): Promise<void>;
  stop?(): Promise<void>;
}

/** A gateway replica's view of the statechanges topic: every message, from the moment it started. */
export interface StateChangeFeed {
  start(handler: (message: StateChangeMessage) => void): Promise<void>;
  stop(): Promise<void>;
}

export type { EventPublisher, PublishedEvent };

export class CommandFailedError extends Error {
  constructor(
    readonly commandId: string,
    readonly error: CommandError,
  ) {
    super(`${error.type}: ${error.description}`);
    this.name = 'CommandFailedError';
  }
}

export class CommandTimeoutError extends CommandFailedError {
  constructor(commandId: string, attempts: number, timeoutMs: number) {
    super(commandId, {
      type: 'serverUnavailable',
      description: `no reply from the service after ${attempts} attempts of ${timeoutMs} ms`,
    });
    this.name = 'CommandTimeoutError';
  }
}
