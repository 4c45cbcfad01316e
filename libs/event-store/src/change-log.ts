/**
 * The per-type change log that /changes reads (RFC 8620 section 5.2) and the type state strings.
 *
 * A type's state string for an account is the modseq of the last change of that type that its read model has
 * applied (invariant 4): inline projections write their change rows in the command's transaction, background
 * projectors in theirs, so the state never runs ahead of the data. Reading the state before the data keeps
 * /get answers honest when a write lands in between.
 */
import type { Queryable } from '@jmap/platform';

export type ChangeKind = 'c' | 'u' | 'd';

export interface ChangeRow {
  modseq: number;
  objectId: string;
  kind: ChangeKind;
  props: string[] | null;
}

/** Collects the change rows of one event and writes them; remembers which types moved. */
export class ChangeRecorder {
  private readonly rows: Array<[string, string, number, string, ChangeKind, string[] | null]> = [];
  readonly types = new Set<string>();

  constructor(
    private readonly accountId: string,
    private readonly modseq: number,
  ) {}

  record(type: string, objectId: string, kind: ChangeKind, props: string[] | null = null): void {
    this.rows.push([this.accountId, type, this.modseq, objectId, kind, props]);
    this.types.add(type);
  }

  get size(): number {
    return this.rows.length;
  }

  async flush(tx: Queryable): Promise<void> {
    await ChangeRecorder.flushAll(tx, [this]);
  }

  /** Writes the change rows of several recorders (several events) in one statement. */
  static async flushAll(tx: Queryable, recorders: readonly ChangeRecorder[]): Promise<void> {
    const insert = ChangeRecorder.takeInsert(recorders, 1);
    if (insert) await tx.query(insert.text, insert.values);
  }

  /**
   * The recorded rows as an INSERT statement whose parameters are numbered from `$first` (so that it can be a
   * data-modifying WITH of another statement), or null when nothing was recorded; the recorders are emptied.
   */
  static takeInsert(
    recorders: readonly ChangeRecorder[],
    first: number,
  ): { text: string; values: unknown[] } | null {
    const values = recorders.flatMap((r) => r.merged());
    for (const r of recorders) r.rows.length = 0;
    if (values.length === 0) return null;
    const $ = (i: number) => `$${first + i}`;
    return {
      text: `INSERT INTO changes (account_id, type, modseq, object_id, kind, props)
       SELECT a, ty, m, o, k, CASE WHEN p IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(p::jsonb)) END
         FROM unnest(${$(0)}::text[], ${$(1)}::text[], ${$(2)}::bigint[], ${$(3)}::text[], ${$(4)}::text[], ${$(5)}::text[]) AS t(a, ty, m, o, k, p)
       ON CONFLICT (account_id, type, modseq, object_id) DO UPDATE SET kind = EXCLUDED.kind, props = EXCLUDED.props`,
      values: [
        values.map((r) => r[0]),
        values.map((r) => r[1]),
        values.map((r) => r[2]),
        values.map((r) => r[3]),
        values.map((r) => r[4]),
        values.map((r) => (r[5] === null ? null : JSON.stringify(r[5]))),
      ],
    };
  }

  private merged(): Array<[string, string, number, string, ChangeKind, string[] | null]> {
    if (this.rows.length === 0) return [];
    // One change per (type, object) per modseq: a later record for the same object wins, merging props.
    const merged = new Map<string, (typeof this.rows)[number]>();
    for (const row of this.rows) {
      const key = `${row[1]}\u0000${row[3]}`;
      const prev = merged.get(key);
      if (!prev) {
        merged.set(key, row);
        continue;
      }
      const kind = mergeKind(prev[4], row[4]);
      const props = prev[5] === null || row[5] === null ? null : [...new Set([...prev[5], ...row[5]])];
      merged.set(key, [row[0], row[1], row[2], row[3], kind, props]);
    }
    return [...merged.values()];
  }
}

function mergeKind(a: ChangeKind, b: ChangeKind): ChangeKind {
  if (a === 'c' && b === 'd') return 'd';
  if (a === 'c') return 'c';
  return b === 'd' ? 'd' : a === 'd' ? 'd' : 'u';
}

/** Current state of a type for an account: the modseq of its last change, "0" when it never changed. */
export async function typeState(db: Queryable, accountId: string, type: string): Promise<number> {
  const { rows } = await db.query<{ m: number }>(`SELECT ${typeStateSql('$1', '$2')} AS m`, [
    accountId,
    type,
  ]);
  return rows[0]?.m ?? 0;
}

/**
 * typeState as a scalar SQL expression over the given parameter placeholders, for reading the state in the same
 * statement (hence on the same snapshot) as the objects it describes.
 */
export function typeStateSql(accountParam: string, typeParam: string): string {
  return `(SELECT COALESCE(max(modseq), 0) FROM changes WHERE account_id = ${accountParam} AND type = ${typeParam})`;
}

export async function typeStates(
  db: Queryable,
  accountId: string,
  types: readonly string[],
): Promise<Record<string, number>> {
  const { rows } = await db.query<{ type: string; m: number }>(
    `SELECT t.type, COALESCE((SELECT max(modseq) FROM changes c WHERE c.account_id = $1 AND c.type = t.type), 0) AS m
       FROM unnest($2::text[]) AS t(type)`,
    [accountId, types],
  );
  return Object.fromEntries(rows.map((r) => [r.type, r.m]));
}

/**
 * Change rows of a type after a cursor (modseq, and optionally the last object id seen at that modseq), in
 * (modseq, object id) order, at most `limit` rows.
 */
export async function changesSince(
  db: Queryable,
  accountId: string,
  type: string,
  after: { modseq: number; objectId: string | null },
  limit: number,
): Promise<ChangeRow[]> {
  const { rows } = await db.query<{
    modseq: number;
    object_id: string;
    kind: ChangeKind;
    props: string[] | null;
  }>(
    `SELECT modseq, object_id, kind, props FROM changes
      WHERE account_id = $1 AND type = $2 AND (modseq > $3 OR ($4::text IS NOT NULL AND modseq = $3 AND object_id > $4))
      ORDER BY modseq, object_id LIMIT $5`,
    [accountId, type, after.modseq, after.objectId, limit],
  );
  return rows.map((r) => ({ modseq: r.modseq, objectId: r.object_id, kind: r.kind, props: r.props }));
}
