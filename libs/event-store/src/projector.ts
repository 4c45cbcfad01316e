/**
 * Runs a background projection from the events topic. Each account's position (last applied modseq) lives in
 * projector_positions and moves in the same transaction as the read-model rows, so a redelivered event is
 * skipped and a crash never applies an event twice. A gap (the topic skipped ahead, e.g. after a retention
 * purge or a missed message) is filled from the event log itself, so the read model never misses an event.
 */
import { withTransaction, type Logger, type Metrics, type Pool, type PoolClient } from '@jmap/platform';
import { ChangeRecorder } from './change-log.js';
import type { EventReader } from './event-store.js';
import { runsOfOneType, type Projection } from './projection.js';
import { fromPublished, toPublished, type PublishedEvent, type StoredEvent } from './types.js';

export class ProjectorRunner {
  private readonly lag;
  private readonly applied;
  private readonly listeners: Array<(accountId: string, position: number, types: Set<string>) => void> = [];

  constructor(
    private readonly pool: Pool,
    readonly projection: Projection,
    private readonly reader: EventReader,
    metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.lag = metrics.histogram(
      'jmap_projection_lag_seconds',
      'Time from an event being committed to a background projector applying it',
      ['projector'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30],
    );
    this.applied = metrics.counter('jmap_projector_events_total', 'Events applied by background projectors', [
      'projector',
    ]);
  }

  /** Called after a transaction moved an account's position (push uses it for the Thread state). */
  onApplied(listener: (accountId: string, position: number, types: Set<string>) => void): void {
    this.listeners.push(listener);
  }

  /** Applies one account's events from the topic (one or more, in modseq order). */
  async handle(records: readonly PublishedEvent[]): Promise<void> {
    if (records.length === 0) return;
    const accountId = records[0].accountId;
    const upTo = records[records.length - 1].modseq;
    const name = this.projection.name;
    const result = await withTransaction(this.pool, async (tx) => {
      await tx.query(
        `INSERT INTO projector_positions (projector, account_id, position) VALUES ($1, $2, 0)
           ON CONFLICT (projector, account_id) DO NOTHING`,
        [name, accountId],
      );
      const { rows } = await tx.query<{ position: number }>(
        'SELECT position FROM projector_positions WHERE projector = $1 AND account_id = $2 FOR UPDATE',
        [name, accountId],
      );
      const position = rows[0].position;
      if (upTo <= position) return null;
      const fresh = records.filter((r) => r.modseq > position);
      // Events whose data the transport left out are read from the log like a gap.
      const contiguous =
        fresh[0].modseq === position + 1 &&
        fresh.every((r, i) => r.modseq === fresh[0].modseq + i && !r.dataOmitted);
      const events: StoredEvent[] = contiguous
        ? fresh.map((r) => this.reader.upcast(fromPublished(r)))
        : await this.reader.read(tx, accountId, position + 1, upTo);
      if (!contiguous)
        this.logger.info(
          { accountId, from: position + 1, to: upTo, projector: name },
          'filling gap from the event log',
        );
      const types = new Set<string>();
      const recorders = events.map((e) => new ChangeRecorder(accountId, e.modseq));
      await applyRuns(tx, this.projection, events, recorders);
      await ChangeRecorder.flushAll(tx, recorders);
      for (const r of recorders) for (const t of r.types) types.add(t);
      await tx.query(
        'UPDATE projector_positions SET position = $3, updated_at = now() WHERE projector = $1 AND account_id = $2',
        [name, accountId, upTo],
      );
      return { events, types };
    });
    if (!result) return;
    const now = Date.now();
    for (const e of result.events)
      this.lag.observe({ projector: name }, Math.max(0, now - Date.parse(e.recordedAt)) / 1000);
    this.applied.inc({ projector: name }, result.events.length);
    for (const l of this.listeners) l(accountId, upTo, result.types);
  }
}

/**
 * Applies events in order; a projection with applyMany gets each run of consecutive events of one type at once
 * (it must leave what applying them one by one leaves, as for inline projections).
 */
async function applyRuns(
  tx: PoolClient,
  projection: Projection,
  events: readonly StoredEvent[],
  recorders: readonly ChangeRecorder[],
): Promise<void> {
  const recorderOf = new Map(events.map((e, i) => [e, recorders[i]]));
  for (const run of runsOfOneType(events)) {
    if (projection.applyMany && run.length > 1)
      await projection.applyMany(
        tx,
        run,
        run.map((e) => recorderOf.get(e)!),
      );
    else for (const e of run) await projection.apply(tx, e, recorderOf.get(e)!);
  }
}

/**
 * Brings every account whose log is ahead of this projector up to date from the event log itself: run at
 * start, it covers events that never reached the topic consumer (a projector deployed after the events were
 * published, retention, dead-lettered deliveries). Safe alongside live delivery: positions are row-locked.
 */
export async function catchUpProjector(
  pool: Pool,
  runner: ProjectorRunner,
  reader: EventReader,
  onProgress?: (accounts: number) => void,
): Promise<number> {
  let accounts = 0;
  for (;;) {
    const { rows } = await pool.query<{ account_id: string; position: number; head: number }>(
      `SELECT s.account_id, COALESCE(p.position, 0) AS position, s.modseq AS head
         FROM account_streams s
         LEFT JOIN projector_positions p ON p.projector = $1 AND p.account_id = s.account_id
        WHERE s.modseq > COALESCE(p.position, 0)
        ORDER BY s.account_id LIMIT 500`,
      [runner.projection.name],
    );
    if (rows.length === 0) return accounts;
    for (const r of rows) {
      for (let from = r.position + 1; from <= r.head;) {
        const events = await reader.read(pool, r.account_id, from, r.head, 1000);
        if (events.length === 0) break;
        await runner.handle(events.map((e) => toPublished(e, [])));
        from = events[events.length - 1].modseq + 1;
      }
      accounts++;
    }
    onProgress?.(accounts);
  }
}

/** The position a background projector has applied for an account (0 when it has seen nothing). */
export async function projectorPosition(pool: Pool, projector: string, accountId: string): Promise<number> {
  const { rows } = await pool.query<{ position: number }>(
    'SELECT position FROM projector_positions WHERE projector = $1 AND account_id = $2',
    [projector, accountId],
  );
  return rows[0]?.position ?? 0;
}
