/**
 * A gateway replica's StateChange fan-out: it reads every message of the statechanges topic (its own consumer
 * group, see KafkaStateChangeFeed) and hands each to the EventSource and WebSocket connections held by this
 * replica whose principal may access the account. Each connection keeps the largest state it sent per type
 * (PushStateTracker), so whichever push replica computed a change, and however often, its client sees it once.
 */
import type { StateChangeFeed, StateChangeMessage } from '@jmap/messaging';
import type { Logger, Metrics } from '@jmap/platform';
import { fromStateStrings, type TypeStates } from '@jmap/push-domain';

export interface PushConnection {
  readonly kind: 'eventsource' | 'websocket';
  /** The accounts the connection's principal may access (fixed at connect). */
  readonly accountIds: ReadonlySet<string>;
  /** Passes the account's new states on (the connection drops what it has already sent). True when sent. */
  deliver(accountId: string, states: TypeStates): boolean;
  /** Ends the connection (the gateway is shutting down; the client reconnects to another replica). */
  close?(): void;
}

export class StateChangeHub {
  private readonly byAccount = new Map<string, Set<PushConnection>>();
  private readonly counts = { eventsource: 0, websocket: 0 };
  private feed?: StateChangeFeed;
  private readonly latency;

  constructor(metrics: Metrics, private readonly logger: Logger) {
    const counts = this.counts;
    metrics.gauge('jmap_push_connections', 'EventSource and WebSocket push connections this gateway holds', ['kind'], function () {
      this.set({ kind: 'eventsource' }, counts.eventsource);
      this.set({ kind: 'websocket' }, counts.websocket);
    });
    this.latency = metrics.histogram(
      'jmap_push_latency_seconds',
      'Time from a committed write to its StateChange being written to an EventSource or WebSocket client',
      ['kind'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    );
  }

  async start(feed: StateChangeFeed): Promise<void> {
    this.feed = feed;
    await feed.start((message) => this.dispatch(message));
  }

  /** Ends every connection this replica holds, then stops reading the topic. */
  async stop(): Promise<void> {
    const all = new Set([...this.byAccount.values()].flatMap((s) => [...s]));
    for (const connection of all) connection.close?.();
    await this.feed?.stop();
  }

  /** Adds a connection; the returned function removes it. */
  register(connection: PushConnection): () => void {
    for (const accountId of connection.accountIds) {
      const set = this.byAccount.get(accountId) ?? new Set<PushConnection>();
      set.add(connection);
      this.byAccount.set(accountId, set);
    }
    this.counts[connection.kind]++;
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.counts[connection.kind]--;
      for (const accountId of connection.accountIds) {
        const set = this.byAccount.get(accountId);
        set?.delete(connection);
        if (set?.size === 0) this.byAccount.delete(accountId);
      }
    };
  }

  private dispatch(message: StateChangeMessage): void {
    const connections = this.byAccount.get(message.accountId);
    if (!connections) return;
    const states = fromStateStrings(message.changed);
    const committed = Date.parse(message.committedAt);
    for (const connection of [...connections]) {
      try {
        if (connection.deliver(message.accountId, states) && Number.isFinite(committed)) {
          this.latency.observe({ kind: connection.kind }, Math.max(0, Date.now() - committed) / 1000);
        }
      } catch (err) {
        this.logger.warn({ err, accountId: message.accountId }, 'push to a connection failed');
      }
    }
  }
}
