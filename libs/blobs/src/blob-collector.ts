/**
 * The blob collector: deletes expired upload rows, then the objects that no row names any more (RFC 8620
 * section 6: unreferenced blobs may be deleted, uploads not within the first hour). It runs periodically in every
 * gateway replica and as `npm run admin -- blobs collect`; concurrent runs are safe.
 *
 * Step 1 deletes a batch of expired rows and records their contents as orphan candidates in the same statement.
 * Step 2 takes each candidate's content lock (the one uploads and copies hold while writing a row), re-checks
 * that no row names the content, deletes the object and then the candidate. A run that dies between the steps
 * leaves its candidates for the next run; an object deleted whose candidate deletion then failed is deleted
 * again harmlessly.
 */
import type { BlobStore } from '@jmap/blob-store';
import { withTransaction, type Logger, type Pool } from '@jmap/platform';
import { lockBlobContent } from './blobs.repository.js';

export interface CollectOptions {
  /** The time expiries are compared with; the database's clock when absent (tests pass a later one). */
  now?: Date;
  /** Rows (step 1) and candidates (step 2) handled per statement. */
  batchSize?: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

export interface CollectResult {
  rowsDeleted: number;
  objectsDeleted: number;
}

export async function collectBlobs(
  pool: Pool,
  store: BlobStore,
  options: CollectOptions = {},
): Promise<CollectResult> {
  const batch = options.batchSize ?? 500;
  const now = options.now ?? null;
  let rowsDeleted = 0;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      `WITH expired AS (
         SELECT account_id, blob_id FROM blobs
          WHERE expires_at < COALESCE($1::timestamptz, now())
          LIMIT $2 FOR UPDATE SKIP LOCKED
       ), gone AS (
         DELETE FROM blobs b USING expired e
          WHERE b.account_id = e.account_id AND b.blob_id = e.blob_id AND b.expires_at < COALESCE($1::timestamptz, now())
         RETURNING b.sha256
       ), orphans AS (
         INSERT INTO blob_orphans (sha256) SELECT DISTINCT sha256 FROM gone ON CONFLICT DO NOTHING
       )
       SELECT count(*)::int AS n FROM gone`,
      [now, batch],
    );
    rowsDeleted += rows[0].n;
    if (rows[0].n < batch) break;
  }

  let objectsDeleted = 0;
  let after = '';
  for (;;) {
    const { rows } = await pool.query<{ sha256: string }>(
      'SELECT sha256 FROM blob_orphans WHERE sha256 > $1 ORDER BY sha256 LIMIT $2',
      [after, batch],
    );
    for (const { sha256 } of rows) {
      try {
        if (await collectOrphan(pool, store, sha256)) objectsDeleted++;
      } catch (err) {
        // Left in blob_orphans: the next run tries again.
        options.logger?.warn({ err, sha256 }, 'could not delete an unreferenced blob');
      }
    }
    if (rows.length < batch) break;
    after = rows[rows.length - 1].sha256;
  }
  if (rowsDeleted > 0 || objectsDeleted > 0)
    options.logger?.info({ rowsDeleted, objectsDeleted }, 'expired blobs collected');
  return { rowsDeleted, objectsDeleted };
}

/** Deletes one candidate's object when no row names it; true when an object was deleted. */
async function collectOrphan(pool: Pool, store: BlobStore, sha256: string): Promise<boolean> {
  return withTransaction(pool, async (tx) => {
    await lockBlobContent(tx, sha256);
    const candidate = await tx.query('DELETE FROM blob_orphans WHERE sha256 = $1', [sha256]);
    if (!candidate.rowCount) return false; // another collector finished it
    const named = await tx.query('SELECT 1 FROM blobs WHERE sha256 = $1 LIMIT 1', [sha256]);
    if (named.rowCount) return false;
    // Deleted while the lock is held: an upload of the same bytes waiting for the lock re-puts the object.
    await store.delete(sha256);
    return true;
  });
}
