/**
 * Blob ids: "G" + the SHA-256 of the content in lowercase hex. A valid JMAP Id (RFC 8620 section 1.2: 65 URL-safe
 * characters, starting with a letter); the same content has the same id in every account, so a client that
 * knows a blob id learns nothing it could not compute from bytes it already has, and each account's access is
 * its own row in `blobs` (invariant 7).
 */
const BLOB_ID_RE = /^G([0-9a-f]{64})$/;

export function blobIdOf(sha256: string): string {
  return `G${sha256}`;
}

/** The SHA-256 a blob id names, or null for anything that is not one of our blob ids. */
export function sha256OfBlobId(blobId: string): string | null {
  return BLOB_ID_RE.exec(blobId)?.[1] ?? null;
}
