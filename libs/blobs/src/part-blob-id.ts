/**
 * Blob ids of message parts (RFC 8621 4.1.4 EmailBodyPart.blobId): "P" + the SHA-256 of the stored message +
 * one "_<partId>" step per level, with the dots of the part id written as "-" ("P<sha>_2-1" is part 2.1 of the
 * message; "P<sha>_2_1" is part 1 of the message that part 2 holds, for Email/parse of an attached message).
 * Only [A-Za-z0-9_-]: a valid JMAP Id (RFC 8620 1.2), at most 255 characters, which also bounds the nesting.
 *
 * An account may read a part blob exactly when it may read the stored message blob ("G" + the same SHA-256):
 * access stays a row in `blobs` (ADR 0006), and the part's octets are decoded from the message when asked for.
 */
const PART_BLOB_ID_RE = /^P([0-9a-f]{64})((?:_[0-9]+(?:-[0-9]+)*)+)$/;
const MAX_ID_LENGTH = 255;

export interface PartBlobRef {
  /** SHA-256 of the stored message the path starts from. */
  messageSha256: string;
  /** Part ids ("2.1"), outermost first: each one after the first names a part of the previous part's message. */
  path: string[];
}

/** The blob id of part `partId` of the message with blob id `messageBlobId` ("G…" or itself a part "P…"). */
export function partBlobId(messageBlobId: string, partId: string): string | null {
  const step = `_${partId.replace(/\./g, '-')}`;
  let id: string;
  if (messageBlobId.startsWith('G')) id = `P${messageBlobId.slice(1)}${step}`;
  else if (messageBlobId.startsWith('P')) id = `${messageBlobId}${step}`;
  else return null;
  return id.length <= MAX_ID_LENGTH && PART_BLOB_ID_RE.test(id) ? id : null;
}

export function parsePartBlobId(blobId: string): PartBlobRef | null {
  if (blobId.length > MAX_ID_LENGTH) return null;
  const m = PART_BLOB_ID_RE.exec(blobId);
  if (!m) return null;
  return {
    messageSha256: m[1],
    path: m[2]
      .slice(1)
      .split('_')
      .map((p) => p.replace(/-/g, '.')),
  };
}
