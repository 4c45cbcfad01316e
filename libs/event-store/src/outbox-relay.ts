/**
 * Outbox relay: publishes committed events on the events topic, per account in modseq order, at least once.
 *
 * Any number of relays may run (one in every replica of every writing service). A relay takes an account's
 * outbox with a transaction-scoped advisory lock, publishes its pending events in order, waits for the broker's
 * acknowledgement and only then deletes them; a relay that finds the lock taken skips the account, so two
 * relays never interleave one account's events. A crash after publishing and before the delete republishes
 * the same events in the same order; consumers skip what they have applied (invariant 3).
 */
import { withTransaction, type Logger, type Metrics, type Pool } from '@jmap/platform';
import { type EventReader } from './event-store.js';
import { toPublished, type PublishedEvent } from './types.js';

export interface EventPublisher {
  /** Publishes one account's events in the given order; resolves once the broker has them durably. */
  publish(accountId: string, events: readonly PublishedEvent[]): Promise<void>;
}

export interface OutboxRelayOptions {
  /** Poll interval for events that no local kick announced (other replicas' leftovers, restarts). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Accounts drained at once. */
  concurrency?: number;
  /**
   * Per event type, the data fields not published (ProjectionRegistry.unpublished); asked at every pass, as
   * projections register after the relay is made. Every relay of a deployment must get the same answer: any
   * relay may publish any account's events.
   */
  unpublished?: () => ReadonlyMap<string, readonly string[]>;
}

export class OutboxRelay {
  private running = false;
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private kicked = false;
  private readonly pollIntervalMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly unpublished: () => ReadonlyMap<string, readonly string[]>;
  private readonly published;
  private readonly failures;

  constructor(
    private readonly pool: Pool,
    private readonly publisher: EventPublisher,
    private readonly reader: EventReader,
    metrics: Metrics,
    private readonly logger: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.batchSize = options.batchSize ?? 500;
    this.concurrency = options.concurrency ?? 4;
    this.unpublished = options.unpublished ?? (() => new Map());
    this.published = metrics.counter('jmap_outbox_published_total', 'Events published from the outbox');
    this.failures = metrics.counter('jmap_outbox_publish_failures_total', 'Failed outbox publish attempts');
    metrics.gauge(
      'jmap_outbox_lag_seconds',
      'Age of the oldest unpublished event in the outbox',
      [],
      async function () {
        const { rows } = await pool
          .query<{ age: number | null }>(
            'SELECT EXTRACT(EPOCH FROM now() - min(enqueued_at))::float8 AS age FROM outbox',
          )
          .catch(() => ({ rows: [{ age: null }] }));
        this.set(rows[0]?.age ?? 0);
      },
    );
    metrics.gauge('jmap_outbox_pending', 'Events waiting in the outbox', [], async function () {
      const { rows } = await pool
        .query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')
        .catch(() => ({ rows: [{ n: 0 }] }));
      this.set(rows[0]?.n ?? 0);
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.draining;
  }

  /** Publish soon: a local command just committed events. */
  kick(): void {
    if (!this.running) return;
    if (this.draining) {
      this.kicked = true;
      return;
    }
    this.schedule(0);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.draining = this.drain()
        .catch((err: unknown) => {
          this.failures.inc();
          this.logger.warn({ err }, 'outbox relay pass failed');
        })
        .finally(() => {
          this.draining = undefined;
          if (!this.running) return;
          const again = this.kicked;
          this.kicked = false;
          this.schedule(again ? 0 : this.pollIntervalMs);
        });
    }, delay);
  }

  /** One pass: publishes what is pending now. Returns when the outbox was seen empty or locked by others. */
  async drain(): Promise<void> {
    for (let pass = 0; pass < 50; pass++) {
      const { rows } = await this.pool.query<{ account_id: string }>(
        'SELECT DISTINCT account_id FROM outbox LIMIT 200',
      );
      if (rows.length === 0) return;
      let progressed = 0;
      const queue = rows.map((r) => r.account_id);
      await Promise.all(
        Array.from({ length: Math.min(this.concurrency, queue.length) }, async () => {
          for (let acct = queue.shift(); acct !== undefined; acct = queue.shift()) {
            progressed += await this.drainAccount(acct);
          }
        }),
      );
      if (progressed === 0) return;
    }
  }

  /** Publishes one account's pending events; 0 when another relay holds the account. */
  async drainAccount(accountId: string): Promise<number> {
    return withTransaction(this.pool, async (tx) => {
      const lock = await tx.query<{ ok: boolean }>(
        "SELECT pg_try_advisory_xact_lock(hashtextextended('outbox:' || $1, 0)) AS ok",
        [accountId],
      );
      if (!lock.rows[0].ok) return 0;
      const pending = await tx.query<{ modseq: number; types: string[] }>(
        'SELECT modseq, types FROM outbox WHERE account_id = $1 ORDER BY modseq LIMIT $2',
        [accountId, this.batchSize],
      );
      if (pending.rows.length === 0) return 0;
      const first = pending.rows[0].modseq;
      const last = pending.rows[pending.rows.length - 1].modseq;
      const omit = this.unpublished();
      const events = await this.reader.read(tx, accountId, first, last, undefined, omit);
      const types = new Map(pending.rows.map((r) => [r.modseq, r.types]));
      const records = events
        .filter((e) => types.has(e.modseq))
        .map((e) => toPublished(e, types.get(e.modseq) ?? [], omit.get(e.event.type)));
      await this.publisher.publish(accountId, records);
      await tx.query('DELETE FROM outbox WHERE account_id = $1 AND modseq <= $2', [accountId, last]);
      this.published.inc(records.length);
      return records.length;
    });
  }
}
