/**
 * Read-your-writes for background read models (invariant 4): before reading a background-projected type, wait
 * until its projector has applied everything committed to the account so far. Bounded: past the timeout the
 * caller answers serverUnavailable instead of stale data.
 */
import type { Queryable } from '@jmap/platform';

export class ProjectionTimeoutError extends Error {
  constructor(
    readonly projector: string,
    readonly accountId: string,
    readonly head: number,
    readonly position: number,
  ) {
    super(`projection ${projector} has not caught up (at ${position}, need ${head})`);
    this.name = 'ProjectionTimeoutError';
  }
}

/** Resolves once `projector` has applied the account's log up to its head at call time. */
export async function waitForProjection(
  db: Queryable,
  accountId: string,
  projector: string,
  timeoutMs: number,
  minPosition = 0,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  let head: number | undefined;
  for (;;) {
    const { rows } = await db.query<{ head: number | null; position: number | null }>(
      `SELECT (SELECT modseq FROM account_streams WHERE account_id = $1) AS head,
              (SELECT position FROM projector_positions WHERE projector = $2 AND account_id = $1) AS position`,
      [accountId, projector],
    );
    head ??= Math.max(rows[0]?.head ?? 0, minPosition);
    const position = rows[0]?.position ?? 0;
    if (position >= head) return;
    if (Date.now() >= deadline) throw new ProjectionTimeoutError(projector, accountId, head, position);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 25);
  }
}
