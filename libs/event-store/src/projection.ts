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
  apply(tx: PoolClient, event: StoredEvent, changes: ChangeRecorder): Promise<void>;
}

export class ProjectionRegistry {
  private readonly list: Projection[] = [];

  register(...projections: Projection[]): this {
    for (const p of projections) {
      if (this.list.some((q) => q.name === p.name)) continue;
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

  byName(name: string): Projection | undefined {
    return this.list.find((p) => p.name === name);
  }
}
