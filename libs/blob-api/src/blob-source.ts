/**
 * What the download route serves for a blob id: a stored blob ("G…", streamed from the blob store, byte ranges
 * read from it) or a part of a stored message ("P…", decoded from the message into memory, at most the message's
 * size, then served from there). Null when the account cannot read such a blob (invariant 7).
 */
import { Readable } from 'node:stream';
import type { BlobStore } from '@jmap/blob-store';
import { findBlob, parsePartBlobId, readBlob } from '@jmap/blobs';
import type { Pool } from '@jmap/platform';

export interface BlobSource {
  size: number;
  /** The octets [start, end] (inclusive) as a stream. */
  open(start: number, end: number): Promise<Readable>;
}

export async function blobSource(
  pool: Pool,
  store: BlobStore,
  accountId: string,
  blobId: string,
): Promise<BlobSource | null> {
  if (parsePartBlobId(blobId)) {
    const part = await readBlob(pool, store, accountId, blobId);
    if (!part) return null;
    return {
      size: part.data.length,
      open: async (start, end) => Readable.from([part.data.subarray(start, end + 1)]),
    };
  }
  const blob = await findBlob(pool, accountId, blobId);
  if (!blob) return null;
  return {
    size: blob.size,
    open: (start, end) =>
      start === 0 && end === blob.size - 1
        ? store.stream(blob.sha256)
        : store.getRange(blob.sha256, start, end),
  };
}
