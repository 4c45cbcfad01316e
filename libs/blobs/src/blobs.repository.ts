/**
 * Per-account access to content-addressed blobs (DESIGN.md invariants 6 and 7): the bytes live once in the blob
 * store under their SHA-256, and a row in `blobs` says that an account may read them, until when (an upload
 * nothing references yet) or for good (expires_at NULL: an object references it).
 *
 * The rule that keeps the collector from deleting bytes a row still names: whoever writes a row for a SHA-256
 * holds `lockBlobContent` for that SHA-256 until the row commits, and has made sure the object exists while
 * holding it; the collector deletes an object only under the same lock after seeing that no row names it.
 * Every writer of blobs (uploads, Blob/copy, the email service storing messages) goes through this module.
 */
import type { BlobStore } from '@jmap/blob-store';
import { withTransaction, type Pool, type Queryable } from '@jmap/platform';
import { blobIdOf, sha256OfBlobId } from './blob-id.js';

export interface StoredBlob {
  accountId: string;
  blobId: string;
  sha256: string;
  size: number;
}

/**
 * Serializes, until the transaction ends, everything that writes or deletes the object of one SHA-256. The key is
 * the first 64 bits of the hash: two contents sharing it only wait for each other.
 */
export async function lockBlobContent(tx: Queryable, sha256: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(('x' || substr($1::text, 1, 16))::bit(64)::bigint)`, [sha256]);
}

/**
 * Inserts or refreshes an account's row for a content. `expiresInSeconds` null marks it referenced for good; a
 * number (an upload) moves the expiry later but never makes a referenced blob expire again. Re-uploading the
 * same bytes therefore returns the same blob id with a fresh expiry (RFC 8620 section 6).
 */
async function upsertRow(
  tx: Queryable,
  accountId: string,
  sha256: string,
  size: number,
  expiresInSeconds: number | null,
): Promise<void> {
  await tx.query(
    `INSERT INTO blobs (account_id, blob_id, sha256, size, expires_at)
     VALUES ($1, $2, $3, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + make_interval(secs => $5::int) END)
     ON CONFLICT (account_id, blob_id) DO UPDATE SET expires_at =
       CASE WHEN blobs.expires_at IS NULL OR EXCLUDED.expires_at IS NULL THEN NULL
            ELSE GREATEST(blobs.expires_at, EXCLUDED.expires_at) END`,
    [accountId, blobIdOf(sha256), sha256, size, expiresInSeconds],
  );
}

/**
 * Stores bytes for an account. The object is written before the lock so that a slow upload does not hold a
 * database connection; under the lock it is checked again (a collector may have deleted an older copy of the
 * same bytes in between) and the row is written, so the row never commits without its object.
 */
export async function storeBlob(
  pool: Pool,
  store: BlobStore,
  input: { accountId: string; data: Buffer; expiresInSeconds: number | null },
): Promise<StoredBlob> {
  const { sha256, size } = await store.put(input.data);
  await withTransaction(pool, async (tx) => {
    await lockBlobContent(tx, sha256);
    if (!(await store.stat(sha256))) await store.put(input.data);
    await upsertRow(tx, input.accountId, sha256, size, input.expiresInSeconds);
  });
  return { accountId: input.accountId, blobId: blobIdOf(sha256), sha256, size };
}

/** An account's blob, or null when the account has no (unexpired) row for it: another account's blob is null too. */
export async function findBlob(db: Queryable, accountId: string, blobId: string): Promise<StoredBlob | null> {
  if (!sha256OfBlobId(blobId)) return null;
  const { rows } = await db.query<{ sha256: string; size: number }>(
    `SELECT sha256, size FROM blobs
      WHERE account_id = $1 AND blob_id = $2 AND (expires_at IS NULL OR expires_at > now())`,
    [accountId, blobId],
  );
  const r = rows[0];
  return r ? { accountId, blobId, sha256: r.sha256, size: r.size } : null;
}

/**
 * Gives `toAccountId` access to a blob of `fromAccountId` (Blob/copy, RFC 8620 section 6.3). The copy is an
 * unreferenced blob in the target account, so it expires like an upload. Returns null when the source account
 * has no such blob.
 */
export async function copyBlob(
  pool: Pool,
  input: { fromAccountId: string; toAccountId: string; blobId: string; expiresInSeconds: number },
): Promise<StoredBlob | null> {
  const sha256 = sha256OfBlobId(input.blobId);
  if (!sha256) return null;
  return withTransaction(pool, async (tx) => {
    // The source row is read under the lock: if it is there, the collector cannot delete the object before
    // the new row commits; if the collector removed it first, the copy fails like any unknown blob.
    await lockBlobContent(tx, sha256);
    const source = await findBlob(tx, input.fromAccountId, input.blobId);
    if (!source) return null;
    await upsertRow(tx, input.toAccountId, sha256, source.size, input.expiresInSeconds);
    return { accountId: input.toAccountId, blobId: input.blobId, sha256, size: source.size };
  });
}

/**
 * Marks a blob as referenced by an object (an Email, an attachment): it no longer expires. Call it in the
 * transaction that commits the referencing object. Returns false when the account has no unexpired row for
 * the blob (the caller answers blobNotFound); the row lock taken here makes a concurrent collector skip the row.
 */
export async function markBlobReferenced(tx: Queryable, accountId: string, blobId: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE blobs SET expires_at = NULL
      WHERE account_id = $1 AND blob_id = $2 AND (expires_at IS NULL OR expires_at > now())`,
    [accountId, blobId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The blob ids among `blobIds` the account may read, with their rows locked until the transaction ends: a
 * collector skips locked rows, so a blob found here cannot expire before the transaction marks it referenced.
 */
export async function lockReadableBlobs(tx: Queryable, accountId: string, blobIds: readonly string[]): Promise<Set<string>> {
  if (blobIds.length === 0) return new Set();
  const { rows } = await tx.query<{ blob_id: string }>(
    `SELECT blob_id FROM blobs
      WHERE account_id = $1 AND blob_id = ANY($2::text[]) AND (expires_at IS NULL OR expires_at > now())
      ORDER BY blob_id FOR UPDATE`,
    [accountId, [...new Set(blobIds)]],
  );
  return new Set(rows.map((r) => r.blob_id));
}

/** markBlobReferenced for several blobs in one statement; returns the ids it marked. */
export async function markBlobsReferenced(tx: Queryable, accountId: string, blobIds: readonly string[]): Promise<Set<string>> {
  if (blobIds.length === 0) return new Set();
  const { rows } = await tx.query<{ blob_id: string }>(
    `UPDATE blobs SET expires_at = NULL
      WHERE account_id = $1 AND blob_id = ANY($2::text[]) AND (expires_at IS NULL OR expires_at > now())
      RETURNING blob_id`,
    [accountId, [...new Set(blobIds)]],
  );
  return new Set(rows.map((r) => r.blob_id));
}

/**
 * Gives the account a referenced row for content it did not upload (a message imported from a part of another
 * message). Call it in the transaction that commits the referencing object, after `store.put(data)`: under the
 * content lock the object is checked again and re-put if a collector removed it in between (ADR 0006).
 */
export async function referenceContent(
  tx: Queryable,
  store: BlobStore,
  input: { accountId: string; data: Buffer; sha256: string },
): Promise<StoredBlob> {
  await lockBlobContent(tx, input.sha256);
  if (!(await store.stat(input.sha256))) await store.put(input.data);
  await upsertRow(tx, input.accountId, input.sha256, input.data.length, null);
  return { accountId: input.accountId, blobId: blobIdOf(input.sha256), sha256: input.sha256, size: input.data.length };
}
