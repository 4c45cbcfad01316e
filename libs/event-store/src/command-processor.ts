/**
 * Command handling (invariants 2 and 3): in one PostgreSQL transaction, take the account's append lock, return
 * the stored reply if this command id was handled before, otherwise load state and decide (the caller's pure
 * decider), append the events, apply the inline projections and their change-log rows, enqueue the events in
 * the outbox, and record the command id with its reply (or its rejection). Nothing is acknowledged before COMMIT.
 */
import {
  isRetryablePgError,
  withTransaction,
  type Logger,
  type Metrics,
  type Pool,
  type PoolClient,
} from '@jmap/platform';
import { ChangeRecorder } from './change-log.js';
import { DomainError } from './errors.js';
import { appendEvents, lockStream } from './event-store.js';
import { IdGenerator } from './ids.js';
import { runsOfOneType, type ProjectionRegistry } from './projection.js';
import type { DomainEvent, StoredEvent } from './types.js';

export interface CommandMeta {
  readonly accountId: string;
  readonly commandId: string;
  /** Command type, for metrics and logs. */
  readonly type: string;
  /** Time the command was issued (ISO); the decider's clock. Defaults to now. */
  readonly issuedAt?: string;
}

export interface DecideContext {
  readonly tx: PoolClient;
  readonly accountId: string;
  readonly commandId: string;
  readonly now: Date;
  readonly ids: IdGenerator;
  /** The account's head modseq before this command. */
  readonly head: number;
}

export interface Decision<R> {
  readonly events: readonly DomainEvent[];
  /** Builds the reply once the events are appended and projected (new states are readable through tx). */
  reply(appended: readonly StoredEvent[], tx: PoolClient): R | Promise<R>;
}

export interface CommandOutcome<R> {
  readonly reply: R;
  readonly duplicate: boolean;
  readonly appended: readonly StoredEvent[];
}

/** Marks a stored reply as a rejection (a DomainError from the decider), so that a redelivery is rejected too. */
const REJECTED = '$rejected';

interface StoredRejection {
  readonly [REJECTED]: { kind: DomainError['kind']; message: string; details?: Record<string, unknown> };
}

function storedRejection(reply: unknown): DomainError | null {
  const r = (reply as Partial<StoredRejection> | null)?.[REJECTED];
  return r ? new DomainError(r.kind, r.message, r.details) : null;
}

/** A decider's DomainError on its way out of the transaction it rolls back. */
class Rejection extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
  }
}

export class CommandProcessor {
  private readonly latency;
  private readonly appendedCounter;
  private readonly listeners: Array<(accountId: string) => void> = [];

  constructor(
    private readonly pool: Pool,
    private readonly projections: ProjectionRegistry,
    metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.latency = metrics.histogram(
      'jmap_command_duration_seconds',
      'Time to handle a command, by type and outcome',
      ['command', 'outcome'],
    );
    this.appendedCounter = metrics.counter('jmap_events_appended_total', 'Events appended to account logs', [
      'event',
    ]);
  }

  /**
   * True when this command id was handled already (its reply or rejection is recorded). Lets a handler skip
   * expensive work it does before `handle` (fetching, parsing) for a redelivered or resent command; `handle`
   * still decides, under the lock, and returns the recorded outcome.
   */
  async seen(meta: Pick<CommandMeta, 'accountId' | 'commandId'>): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'SELECT 1 FROM processed_commands WHERE account_id = $1 AND command_id = $2',
      [meta.accountId, meta.commandId],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Called after a commit that appended events (the outbox relay uses it to publish at once). */
  onAppended(listener: (accountId: string) => void): void {
    this.listeners.push(listener);
  }

  async handle<R>(
    meta: CommandMeta,
    decide: (ctx: DecideContext) => Promise<Decision<R>>,
  ): Promise<CommandOutcome<R>> {
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await this.attempt(meta, decide);
          if ('rejected' in result) throw result.rejected;
          if (result.duplicate) outcome = 'duplicate';
          if (result.appended.length > 0) {
            for (const e of result.appended) this.appendedCounter.inc({ event: e.event.type });
            for (const l of this.listeners) l(meta.accountId);
          }
          return result;
        } catch (err) {
          if (attempt < 5 && isRetryablePgError(err)) {
            this.logger.warn(
              { err, attempt, commandId: meta.commandId },
              'retrying command after transient database error',
            );
            await new Promise((r) => setTimeout(r, 10 * attempt));
            continue;
          }
          throw err;
        }
      }
    } catch (err) {
      outcome = 'error';
      throw err;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.latency.observe({ command: meta.type, outcome }, seconds);
    }
  }

  /** One try: the command's transaction, or when the decider rejects, the rejection's (after a rollback). */
  private async attempt<R>(
    meta: CommandMeta,
    decide: (ctx: DecideContext) => Promise<Decision<R>>,
  ): Promise<CommandOutcome<R> | { rejected: DomainError }> {
    try {
      return await withTransaction(this.pool, (tx) => this.run(tx, meta, decide));
    } catch (err) {
      if (!(err instanceof Rejection)) throw err;
      return withTransaction(this.pool, (tx) => this.recordRejection<R>(tx, meta, err.error));
    }
  }

  /** Takes the account's append lock; the recorded outcome when this command id was handled before. */
  private async lockAndFindOutcome<R>(
    tx: PoolClient,
    meta: CommandMeta,
  ): Promise<{ head: number; recorded: CommandOutcome<R> | { rejected: DomainError } | null }> {
    const head = await lockStream(tx, meta.accountId);
    // A statement of its own, after the lock: its snapshot sees what a concurrent handler of the same command
    // id committed while this one waited for the lock.
    const seen = await tx.query<{ reply: R }>(
      'SELECT reply FROM processed_commands WHERE account_id = $1 AND command_id = $2',
      [meta.accountId, meta.commandId],
    );
    if (seen.rows.length === 0) return { head, recorded: null };
    const rejected = storedRejection(seen.rows[0].reply);
    return {
      head,
      recorded: rejected ? { rejected } : { reply: seen.rows[0].reply, duplicate: true, appended: [] },
    };
  }

  /**
   * Records a rejection (invariant 3): a redelivery after the state changed (a replica killed after replying,
   * before committing its offset) must be rejected again, not applied. Unless the command id got an outcome
   * meanwhile (a concurrent delivery), which is then the outcome.
   */
  private async recordRejection<R>(
    tx: PoolClient,
    meta: CommandMeta,
    err: DomainError,
  ): Promise<CommandOutcome<R> | { rejected: DomainError }> {
    const { recorded } = await this.lockAndFindOutcome<R>(tx, meta);
    if (recorded) return recorded;
    const stored: StoredRejection = {
      [REJECTED]: { kind: err.kind, message: err.message, details: err.details },
    };
    await tx.query('INSERT INTO processed_commands (account_id, command_id, reply) VALUES ($1, $2, $3)', [
      meta.accountId,
      meta.commandId,
      JSON.stringify(stored),
    ]);
    return { rejected: err };
  }

  private async run<R>(
    tx: PoolClient,
    meta: CommandMeta,
    decide: (ctx: DecideContext) => Promise<Decision<R>>,
  ): Promise<CommandOutcome<R> | { rejected: DomainError }> {
    const { head, recorded } = await this.lockAndFindOutcome<R>(tx, meta);
    if (recorded) return recorded;

    const ctx: DecideContext = {
      tx,
      accountId: meta.accountId,
      commandId: meta.commandId,
      now: meta.issuedAt ? new Date(meta.issuedAt) : new Date(),
      ids: new IdGenerator(meta.accountId, meta.commandId),
      head,
    };
    let decision: Decision<R>;
    try {
      decision = await decide(ctx);
    } catch (err) {
      // A rejection is a result too, recorded by handle() once this transaction (and anything the decider wrote
      // before rejecting) is rolled back: no savepoint round trip on every command for the rare rejection.
      if (err instanceof DomainError) throw new Rejection(err);
      throw err;
    }
    const appended = await appendEvents(tx, meta.accountId, head, decision.events, meta.commandId);
    await applyInline(tx, this.projections, appended);
    const reply = await decision.reply(appended, tx);
    await tx.query('INSERT INTO processed_commands (account_id, command_id, reply) VALUES ($1, $2, $3)', [
      meta.accountId,
      meta.commandId,
      JSON.stringify(reply ?? null),
    ]);
    return { reply, duplicate: false, appended };
  }
}

/**
 * Applies the inline projections to freshly appended events and enqueues them in the outbox. A projection with
 * applyMany gets each run of consecutive events of one type at once (an import's EmailCreated events in a few
 * statements instead of a few per email); the others get the events one by one; the change rows of all the
 * events are written in one statement.
 */
export async function applyInline(
  tx: PoolClient,
  projections: ProjectionRegistry,
  appended: readonly StoredEvent[],
): Promise<void> {
  if (appended.length === 0) return;
  const recorders = new Map(appended.map((e) => [e, new ChangeRecorder(e.accountId, e.modseq)]));
  const inline = projections.inline;
  for (const run of runsOfOneType(appended)) {
    if (run.length > 1 && inline.some((p) => p.applyMany)) {
      for (const p of inline) {
        if (p.applyMany)
          await p.applyMany(
            tx,
            run,
            run.map((e) => recorders.get(e)!),
          );
        else for (const e of run) await p.apply(tx, e, recorders.get(e)!);
      }
    } else {
      for (const e of run) for (const p of inline) await p.apply(tx, e, recorders.get(e)!);
    }
  }
  // The change rows and the outbox entries in one statement (one round trip less per command).
  const types = [...recorders.values()].map((r) => JSON.stringify([...r.types]));
  const changes = ChangeRecorder.takeInsert([...recorders.values()], 4);
  await tx.query(
    `${changes ? `WITH changed AS (${changes.text}) ` : ''}INSERT INTO outbox (account_id, modseq, types)
     SELECT $1, m, ARRAY(SELECT jsonb_array_elements_text(t::jsonb)) FROM unnest($2::bigint[], $3::text[]) AS x(m, t)`,
    [appended[0].accountId, appended.map((e) => e.modseq), types, ...(changes?.values ?? [])],
  );
}
