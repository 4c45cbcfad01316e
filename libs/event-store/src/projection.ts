/**
 * Projections turn events into read models. Inline projections run inside the command's transaction (the
 * command's own response needs them); background projections run in a projector that consumes the events topic
 * and records its position per account. Both declare the tables they own, so that a replay can rebuild them
 * and `--verify` can compare them row by row (invariant 5).
 */
import type { PoolClient } from '@jmap/platform';
import type { ChangeRecorder } from './change-log.js';
import type { StoredEvent } from './types.js';

export interface TableSpec {
  /** Table name. Every read-model table has an account_id column first in its key (DESIGN.md, scale). */
  readonly table: string;
  /** Columns that order an account's rows deterministically (the primary key). */
  readonly key: readonly string[];
}

export interface Projection {
  readonly name: string;
  readonly mode: 'inline' | 'background';
  readonly tables: readonly TableSpec[];
  /**
   * Inline projections only, optional: data fields, per event type, that only inline projections read (this one
   * in the command's transaction, and a rebuild from the log). The outbox relay leaves them out of the copy it
   * publishes (PublishedEvent.omitted), so a large value that only an inline read model needs (EmailCreated's
   * textExtract, for the full-text document) does not cross the broker to consumers that ignore it. Background
   * projections and other consumers of the events topic must not read a field named here by any projection.
   * The names are those of the stored data, in every version of the event: the relay cuts them before upcasting.
   */
  readonly unpublished?: Readonly<Record<string, readonly string[]>>;
  apply(tx: PoolClient, event: StoredEvent, changes: ChangeRecorder): Promise<void>;
  /**
   * Optional: applies a run of consecutive events of one type at once (the fast path for e.g. the EmailCreated
   * events of one import), each event's change rows going to its own recorder. The command processor uses it
   * for inline projections, the projector runner for background ones. It must leave exactly the rows and change
   * rows that `apply` on each event in order leaves (a rebuild replays with `apply`, and --verify compares).
   * Within such a run every inline projection sees the whole run before the next one does, so projections
   * handling the same event type must not read each other's rows.
   */
  applyMany?(
    tx: PoolClient,
    events: readonly StoredEvent[],
    changes: readonly ChangeRecorder[],
  ): Promise<void>;
}

export class ProjectionRegistry {
  private readonly list: Projection[] = [];

  register(...projections: Projection[]): this {
    for (const p of projections) {
      if (this.list.some((q) => q.name === p.name)) continue;
      if (p.mode === 'background' && p.unpublished)
        throw new Error(`projection ${p.name}: only an inline projection may name unpublished fields`);
      this.list.push(p);
    }
    return this;
  }

  get inline(): Projection[] {
    return this.list.filter((p) => p.mode === 'inline');
  }

  get background(): Projection[] {
    return this.list.filter((p) => p.mode === 'background');
  }

  get all(): readonly Projection[] {
    return this.list;
  }

  /** Per event type, the data fields the outbox relay leaves out (Projection.unpublished of the inline ones). */
  get unpublished(): ReadonlyMap<string, readonly string[]> {
    const fields = new Map<string, readonly string[]>();
    for (const p of this.inline)
      for (const [type, names] of Object.entries(p.unpublished ?? {}))
        fields.set(type, [...new Set([...(fields.get(type) ?? []), ...names])]);
    return fields;
  }

  byName(name: string): Projection | undefined {
    return this.list.find((p) => p.name === name);
  }
}

/** Consecutive events of one type: the unit a projection's applyMany gets. */
export function runsOfOneType<E extends { readonly event: { readonly type: string } }>(
  events: readonly E[],
): E[][] {
  const runs: E[][] = [];
  for (const e of events) {
    const last = runs[runs.length - 1];
    if (last && last[0].event.type === e.event.type) last.push(e);
    else runs.push([e]);
  }
  return runs;
}
