/**
 * The account event log in PostgreSQL (invariant 1): append under the account's row lock, read with upcasting.
 */
import type { PoolClient, Queryable } from '@jmap/platform';
import type { DomainEvent, StoredEvent } from './types.js';
import { Upcasters } from './upcasting.js';

/** Takes the account's append lock for the rest of the transaction and returns its head modseq. */
export async function lockStream(tx: PoolClient, accountId: string): Promise<number> {
  const { rows } = await tx.query<{ modseq: number }>(
    `INSERT INTO account_streams (account_id) VALUES ($1)
       ON CONFLICT (account_id) DO UPDATE SET account_id = EXCLUDED.account_id
     RETURNING modseq`,
    [accountId],
  );
  return rows[0].modseq;
}

/** Appends events after `head` (the caller holds the lock) and moves the head. */
export async function appendEvents(
  tx: PoolClient,
  accountId: string,
  head: number,
  events: readonly DomainEvent[],
  commandId: string | null,
): Promise<StoredEvent[]> {
  if (events.length === 0) return [];
  const modseqs = events.map((_, i) => head + 1 + i);
  // The data of all events as one JSON array: no array-literal escaping of large documents on either side. The
  // stream's head moves in the same statement (one round trip per append).
  const { rows } = await tx.query<{ recorded_at: Date }>(
    `WITH head AS (UPDATE account_streams SET modseq = $7 WHERE account_id = $1)
     INSERT INTO events (account_id, modseq, type, version, data, command_id)
     SELECT $1, m, t, v, d, $6
       FROM ROWS FROM (unnest($2::bigint[]), unnest($3::text[]), unnest($4::smallint[]), jsonb_array_elements($5::jsonb))
         AS x(m, t, v, d)
     RETURNING recorded_at`,
    [
      accountId,
      modseqs,
      events.map((e) => e.type),
      events.map((e) => e.v),
      JSON.stringify(events.map((e) => e.data)),
      commandId,
      modseqs[modseqs.length - 1],
    ],
  );
  const recordedAt = (rows[0]?.recorded_at ?? new Date()).toISOString();
  return events.map((event, i) => ({ accountId, modseq: modseqs[i], event, commandId, recordedAt }));
}

export async function streamHead(db: Queryable, accountId: string): Promise<number> {
  const { rows } = await db.query<{ modseq: number }>(
    'SELECT modseq FROM account_streams WHERE account_id = $1',
    [accountId],
  );
  return rows[0]?.modseq ?? 0;
}

export class EventReader {
  constructor(private readonly upcasters: Upcasters = new Upcasters()) {}

  /**
   * Events with fromModseq <= modseq <= toModseq, in order, upcast to their current versions. `omit` names, per
   * event type, top-level data fields left out (by PostgreSQL, so they are neither sent nor parsed): the outbox
   * relay's published copy (Projection.unpublished).
   */
  async read(
    db: Queryable,
    accountId: string,
    fromModseq: number,
    toModseq: number = Number.MAX_SAFE_INTEGER,
    limit = 10_000,
    omit?: ReadonlyMap<string, readonly string[]>,
  ): Promise<StoredEvent[]> {
    const params: unknown[] = [accountId, fromModseq, toModseq, limit];
    let data = 'data';
    if (omit && omit.size > 0) {
      const cases = [...omit].map(([type, fields]) => {
        params.push(type, fields);
        return `WHEN $${params.length - 1} THEN data - $${params.length}::text[]`;
      });
      data = `CASE type ${cases.join(' ')} ELSE data END AS data`;
    }
    const { rows } = await db.query<{
      modseq: number;
      type: string;
      version: number;
      data: unknown;
      command_id: string | null;
      recorded_at: Date;
    }>(
      `SELECT modseq, type, version, ${data}, command_id, recorded_at FROM events
        WHERE account_id = $1 AND modseq >= $2 AND modseq <= $3 ORDER BY modseq LIMIT $4`,
      params,
    );
    return rows.map((r) => ({
      accountId,
      modseq: r.modseq,
      event: this.upcasters.upcast({ type: r.type, v: r.version, data: r.data }),
      commandId: r.command_id,
      recordedAt: r.recorded_at.toISOString(),
    }));
  }

  upcast(e: StoredEvent): StoredEvent {
    const event = this.upcasters.upcast(e.event);
    return event === e.event ? e : { ...e, event };
  }
}
