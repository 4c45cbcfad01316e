/**
 * Keeps a queued send's message alive: destroying the Email after the submission was created must not change the
 * send (RFC 8621 7.5), but the email slice gives the blob an expiry when its last Email goes (libs/blobs
 * releaseEmailBlobs) and the collector deletes an object no `blobs` row names. While a send is queued, a row under
 * the pseudo account "$submission:<accountId>" names the content. "$" is not an Id character, so no principal can
 * ever read through that row (invariant 7); the row is written under the content lock like every blob row (ADR
 * 0006) and gets an expiry when the account has no queued send of that blob left.
 */
import { lockBlobContent } from '@jmap/blobs';
import type { Queryable } from '@jmap/platform';

const pinAccount = (accountId: string) => `$submission:${accountId}`;

/** Pins the message blobs of new sends (in the EmailSubmission/set transaction). */
export async function pinSendBlobs(
  tx: Queryable,
  accountId: string,
  blobIds: readonly string[],
): Promise<void> {
  for (const blobId of [...new Set(blobIds)].sort()) {
    const sha256 = blobId.slice(1);
    await lockBlobContent(tx, sha256);
    await tx.query(
      `INSERT INTO blobs (account_id, blob_id, sha256, size, expires_at)
       SELECT $1, $2, sha256, size, NULL FROM blobs WHERE account_id = $3 AND blob_id = $2
       ON CONFLICT (account_id, blob_id) DO UPDATE SET expires_at = NULL`,
      [pinAccount(accountId), blobId, accountId],
    );
  }
}

/** Lets the pin expire when no queued send of the account uses the blob any more. */
export async function unpinSendBlob(db: Queryable, accountId: string, blobId: string): Promise<void> {
  await db.query(
    `UPDATE blobs SET expires_at = now()
      WHERE account_id = $1 AND blob_id = $2 AND expires_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM submission_queue WHERE account_id = $3 AND blob_id = $2 AND state = 'queued')`,
    [pinAccount(accountId), blobId, accountId],
  );
}
