/**
 * Reads a blob of an account by id, whichever kind it is: a stored blob ("G…", a row in `blobs`) or a part of a
 * stored message ("P…", decoded from the message when asked for). A part blob is readable exactly when its
 * message blob is (invariant 7): a foreign or unknown id is null either way.
 *
 * Bound: a part is cut from the whole message in memory; a message is at most maxSizeUpload octets, and each
 * nesting step parses one message (parseMessage is bounded by its MimeLimits).
 */
import type { BlobStore } from '@jmap/blob-store';
import { parseMessage, partContent, type BodyPart } from '@jmap/mime';
import type { Queryable } from '@jmap/platform';
import { findBlob, type StoredBlob } from './blobs.repository.js';
import { blobIdOf } from './blob-id.js';
import { parsePartBlobId } from './part-blob-id.js';

export interface BlobContent {
  blobId: string;
  data: Buffer;
  /** The stored blob this content is (for "G…") or is cut from (for "P…"). */
  stored: StoredBlob;
}

function findPart(part: BodyPart, partId: string): BodyPart | null {
  if (part.partId === partId) return part;
  for (const sub of part.subParts ?? []) {
    const found = findPart(sub, partId);
    if (found) return found;
  }
  return null;
}

/** The decoded octets of the part at `path` (outermost first) of `raw`, or null when a step does not exist. */
export function cutPart(raw: Buffer, path: readonly string[]): Buffer | null {
  let data = raw;
  for (const partId of path) {
    const part = findPart(parseMessage(data).bodyStructure, partId);
    if (!part || part.partId === null) return null;
    data = partContent(data, part);
  }
  return data;
}

/** The stored blob an id reads from (the message for a part blob), if the account may read it. */
export async function findReadableBlob(
  db: Queryable,
  accountId: string,
  blobId: string,
): Promise<StoredBlob | null> {
  const part = parsePartBlobId(blobId);
  return findBlob(db, accountId, part ? blobIdOf(part.messageSha256) : blobId);
}

/** The content of a blob of the account, or null when the account cannot read such a blob. */
export async function readBlob(
  db: Queryable,
  store: BlobStore,
  accountId: string,
  blobId: string,
): Promise<BlobContent | null> {
  const stored = await findReadableBlob(db, accountId, blobId);
  if (!stored) return null;
  const raw = await store.get(stored.sha256);
  const part = parsePartBlobId(blobId);
  if (!part) return { blobId, data: raw, stored };
  const data = cutPart(raw, part.path);
  return data ? { blobId, data, stored } : null;
}

/** The stored blob each of `blobIds` ("G…" or "P…") reads from, for those the account may read, in one query. */
export async function findReadableBlobs(
  db: Queryable,
  accountId: string,
  blobIds: readonly string[],
): Promise<Map<string, StoredBlob>> {
  const storedOf = (id: string) => {
    const part = parsePartBlobId(id);
    return part ? blobIdOf(part.messageSha256) : id;
  };
  const stored = [...new Set(blobIds.map(storedOf))];
  if (stored.length === 0) return new Map();
  const { rows } = await db.query<{ blob_id: string; sha256: string; size: number }>(
    `SELECT blob_id, sha256, size FROM blobs
      WHERE account_id = $1 AND blob_id = ANY($2::text[]) AND (expires_at IS NULL OR expires_at > now())`,
    [accountId, stored],
  );
  const found = new Map(
    rows.map((r) => [r.blob_id, { accountId, blobId: r.blob_id, sha256: r.sha256, size: r.size }]),
  );
  const out = new Map<string, StoredBlob>();
  for (const id of blobIds) {
    const s = found.get(storedOf(id));
    if (s) out.set(id, s);
  }
  return out;
}

/** Which of `blobIds` ("G…" or "P…") the account may read, in one query. */
export async function readableBlobIds(
  db: Queryable,
  accountId: string,
  blobIds: readonly string[],
): Promise<Set<string>> {
  return new Set((await findReadableBlobs(db, accountId, blobIds)).keys());
}
