-- Up Migration

-- Which account may read which blob (DESIGN.md invariants 6 and 7). The bytes live once in the blob store under
-- their SHA-256; each account that may read them has its own row, so the same content uploaded to two accounts
-- gives two rows and one object. blob_id is "G" followed by the SHA-256 in hex (a valid JMAP Id).
--
-- expires_at: an upload nothing references yet is collected after it (RFC 8620 section 6: at least an hour);
-- NULL once an object (an Email, an attachment) references the blob. Every writer of a row and the collector
-- serialize per SHA-256 on a transaction-scoped advisory lock (libs/blobs), so an object is never deleted
-- while a row that names it is being written.
CREATE TABLE blobs (
  account_id text NOT NULL,
  blob_id text NOT NULL,
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint NOT NULL CHECK (size >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  PRIMARY KEY (account_id, blob_id)
);
CREATE INDEX blobs_sha256_idx ON blobs (sha256);
CREATE INDEX blobs_expires_idx ON blobs (expires_at) WHERE expires_at IS NOT NULL;

-- Contents whose last row the collector removed: their objects are deleted (after re-checking under the lock)
-- and the entry with them. Kept in a table so that a collector that dies between the two steps leaves work for
-- the next run instead of an object nothing will ever delete.
CREATE TABLE blob_orphans (
  sha256 text PRIMARY KEY,
  since timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE blob_orphans;
DROP TABLE blobs;
