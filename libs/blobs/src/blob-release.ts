/**
 * The end of a reference (ADR 0006): when the last email of an account naming a message blob is destroyed, the
 * account's row for that blob gets an expiry again, and the collector deletes it (and the object, once no
 * account names it) after that. The grace period lets a client that still holds the blob id download it or
 * import it again for a while, as with an upload.
 */
import type { Queryable } from '@jmap/platform';

/**
 * Gives an expiry, `graceSeconds` from now, to the account's rows for `blobIds` that no email of the account
 * names except `goneEmailIds` (the emails being destroyed in the same transaction). Returns the released ids.
 */
export async function releaseEmailBlobs(
  tx: Queryable,
  accountId: string,
  blobIds: readonly string[],
  goneEmailIds: readonly string[],
  graceSeconds: number,
): Promise<Set<string>> {
  if (blobIds.length === 0) return new Set();
  const { rows } = await tx.query<{ blob_id: string }>(
    `UPDATE blobs b SET expires_at = now() + make_interval(secs => $4::int)
      WHERE b.account_id = $1 AND b.blob_id = ANY($2::text[]) AND b.expires_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM emails e
                         WHERE e.account_id = $1 AND e.blob_id = b.blob_id AND e.id <> ALL($3::text[]))
      RETURNING b.blob_id`,
    [accountId, [...new Set(blobIds)], goneEmailIds, graceSeconds],
  );
  return new Set(rows.map((r) => r.blob_id));
}
