/**
 * Rebuild (invariant 5): replays an account's events through every projection into fresh read models.
 *
 * Runs in one transaction holding the account's append lock (writes to that account wait; other accounts are
 * untouched): snapshot the live rows, delete them, replay, snapshot again. `verify` compares the two snapshots
 * row by row and rolls back, leaving the live read models as they were; a plain rebuild commits.
 */
import { withTransaction, type Logger, type Pool, type PoolClient } from '@jmap/platform';
import { ChangeRecorder } from './change-log.js';
import { lockStream, type EventReader } from './event-store.js';
import type { ProjectionRegistry, TableSpec } from './projection.js';

export interface TableDifference {
  table: string;
  /** Rows the live read model has and the replay does not. */
  onlyLive: unknown[];
  /** Rows the replay produced and the live read model lacks. */
  onlyRebuilt: unknown[];
}

export interface RebuildReport {
  accountId: string;
  events: number;
  rows: number;
  differences: TableDifference[];
  committed: boolean;
}

const CHANGES_TABLE: TableSpec = { table: 'changes', key: ['type', 'modseq', 'object_id'] };
const POSITIONS_TABLE: TableSpec = { table: 'projector_positions', key: ['projector'] };

/**
 * Always give it the full projection registry: a rebuild deletes every change-log row and projector position
 * of the account, and restores only those of the projections it knows.
 */
export class Rebuilder {
  constructor(
    private readonly pool: Pool,
    private readonly projections: ProjectionRegistry,
    private readonly reader: EventReader,
    private readonly logger: Logger,
  ) {}

  async rebuildAccount(
    accountId: string,
    options: { verify?: boolean; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<RebuildReport> {
    const verify = options.verify ?? false;
    const rollback = new Error('verify: roll back');
    let report: RebuildReport | undefined;
    try {
      await withTransaction(this.pool, async (tx) => {
        report = await this.replay(tx, accountId, verify, options.onProgress);
        if (verify) throw rollback;
      });
    } catch (err) {
      if (err !== rollback) throw err;
    }
    return report!;
  }

  private tables(): TableSpec[] {
    const seen = new Map<string, TableSpec>();
    for (const p of this.projections.all) for (const t of p.tables) seen.set(t.table, t);
    return [...seen.values(), CHANGES_TABLE, POSITIONS_TABLE];
  }

  private async snapshot(tx: PoolClient, accountId: string): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const t of this.tables()) {
      const { rows } = await tx.query(
        `SELECT * FROM ${t.table} WHERE account_id = $1 ORDER BY ${t.key.join(', ')}`,
        [accountId],
      );
      out.set(
        t.table,
        rows.map((r: Record<string, unknown>) => {
          // updated_at of projector positions is wall-clock bookkeeping, not read-model data.
          if (t === POSITIONS_TABLE) delete r.updated_at;
          return JSON.stringify(r);
        }),
      );
    }
    return out;
  }

  private async replay(
    tx: PoolClient,
    accountId: string,
    verify: boolean,
    onProgress?: (done: number, total: number) => void,
  ): Promise<RebuildReport> {
    const exists = await tx.query('SELECT 1 FROM account_streams WHERE account_id = $1', [accountId]);
    if (!exists.rowCount) throw new Error(`account ${accountId} has no event log`);
    const head = await lockStream(tx, accountId);
    const before = await this.snapshot(tx, accountId);
    for (const t of this.tables())
      await tx.query(`DELETE FROM ${t.table} WHERE account_id = $1`, [accountId]);

    let done = 0;
    for (let from = 1; from <= head;) {
      const batch = await this.reader.read(tx, accountId, from, head, 1000);
      if (batch.length === 0) break;
      for (const e of batch) {
        const changes = new ChangeRecorder(accountId, e.modseq);
        for (const p of this.projections.all) await p.apply(tx, e, changes);
        await changes.flush(tx);
      }
      done += batch.length;
      from = batch[batch.length - 1].modseq + 1;
      onProgress?.(done, head);
    }
    for (const p of this.projections.background) {
      await tx.query(
        `INSERT INTO projector_positions (projector, account_id, position) VALUES ($1, $2, $3)
           ON CONFLICT (projector, account_id) DO UPDATE SET position = EXCLUDED.position`,
        [p.name, accountId, head],
      );
    }
    const after = await this.snapshot(tx, accountId);
    const differences: TableDifference[] = [];
    let rows = 0;
    for (const [table, liveRows] of before) {
      const rebuiltRows = after.get(table) ?? [];
      rows += rebuiltRows.length;
      const live = new Set(liveRows);
      const rebuilt = new Set(rebuiltRows);
      const onlyLive = liveRows.filter((r) => !rebuilt.has(r)).map((r) => JSON.parse(r));
      const onlyRebuilt = rebuiltRows.filter((r) => !live.has(r)).map((r) => JSON.parse(r));
      if (onlyLive.length || onlyRebuilt.length) differences.push({ table, onlyLive, onlyRebuilt });
    }
    this.logger.info(
      { accountId, events: done, rows, differences: differences.length, verify },
      'account replayed',
    );
    return { accountId, events: done, rows, differences, committed: !verify };
  }

  async accounts(): Promise<string[]> {
    const { rows } = await this.pool.query<{ account_id: string }>(
      'SELECT account_id FROM account_streams ORDER BY account_id',
    );
    return rows.map((r) => r.account_id);
  }
}
