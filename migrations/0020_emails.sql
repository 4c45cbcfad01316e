-- Up Migration

-- Email read model (inline projection "emails" of Email* events, libs/email/data-access). Everything Email/get
-- returns apart from bodyValues comes from here; the rows are rebuilt from the events alone (no blob store).
-- Issue 7 adds the query columns and indexes in later migrations.
CREATE TABLE emails (
  account_id text NOT NULL,
  id text NOT NULL,
  thread_id text NOT NULL,
  -- "G" + SHA-256 of the raw message; the blob row in `blobs` is marked referenced by the import.
  blob_id text NOT NULL,
  size bigint NOT NULL,
  received_at timestamptz NOT NULL,
  -- sentAt as the message wrote it (the Date form keeps the sender's offset) and as an instant for sorting.
  sent_at timestamptz,
  sent_at_text text,
  message_id text[],
  in_reply_to text[],
  refs text[],
  subject text,
  -- RFC 5256 base subject: the threading rule compares it.
  base_subject text NOT NULL,
  sender jsonb,
  from_ jsonb,
  to_ jsonb,
  cc jsonb,
  bcc jsonb,
  reply_to jsonb,
  keywords text[] NOT NULL DEFAULT '{}',
  mailbox_ids text[] NOT NULL,
  has_attachment boolean NOT NULL,
  preview text NOT NULL,
  headers jsonb NOT NULL,
  -- The EmailBodyPart tree with each part's header fields, blob id and where its body lies in the raw message
  -- (offset, length, transfer encoding), so bodyValues are cut from the blob without parsing it again.
  body_structure jsonb NOT NULL,
  text_body text[] NOT NULL,
  html_body text[] NOT NULL,
  attachments text[] NOT NULL,
  -- Plain text of the body for the full-text index (issue 7), at most 32 KiB of UTF-8.
  text_extract text NOT NULL,
  PRIMARY KEY (account_id, id)
);
-- Duplicate imports (same raw octets) are found by blob id.
CREATE INDEX emails_blob_idx ON emails (account_id, blob_id);

-- Mailbox membership, one row per (email, mailbox): the "mailbox sorted by receivedAt" listing and the exact
-- mailbox counts (per thread for totalThreads and unreadThreads). unread = neither $seen nor $draft.
CREATE TABLE email_mailboxes (
  account_id text NOT NULL,
  mailbox_id text NOT NULL,
  email_id text NOT NULL,
  received_at timestamptz NOT NULL,
  thread_id text NOT NULL,
  unread boolean NOT NULL,
  PRIMARY KEY (account_id, email_id, mailbox_id)
);
CREATE INDEX email_mailboxes_listing_idx ON email_mailboxes (account_id, mailbox_id, received_at DESC, email_id);
CREATE INDEX email_mailboxes_thread_idx ON email_mailboxes (account_id, thread_id, mailbox_id);

-- The message ids each email names (kind 'own': its Message-ID; 'ref': In-Reply-To and References), for the
-- threading decision in either direction.
CREATE TABLE email_message_ids (
  account_id text NOT NULL,
  message_id text NOT NULL,
  email_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('own', 'ref')),
  PRIMARY KEY (account_id, message_id, email_id)
);
CREATE INDEX email_message_ids_email_idx ON email_message_ids (account_id, email_id);

-- Thread read model (background projection "threads" in the thread service): Thread/get's emailIds in
-- receivedAt then id order.
CREATE TABLE thread_emails (
  account_id text NOT NULL,
  email_id text NOT NULL,
  thread_id text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, email_id)
);
CREATE INDEX thread_emails_thread_idx ON thread_emails (account_id, thread_id, received_at, email_id);

-- TOAST compression of the large values (the event data, a few to tens of KiB per EmailCreated; the email
-- rows' header fields, body structure and text extract): lz4 where the server has it; otherwise none, because
-- pglz costs about 0.9 ms of database CPU per 15 KB document (measured on the embedded PostgreSQL, which lacks
-- lz4), which was a third of the database's share of an import. The cost is disk: these columns take about
-- three times the space uncompressed. Only rows written from now on are affected.
DO $$
BEGIN
  ALTER TABLE events ALTER COLUMN data SET COMPRESSION lz4;
  ALTER TABLE emails ALTER COLUMN headers SET COMPRESSION lz4;
  ALTER TABLE emails ALTER COLUMN body_structure SET COMPRESSION lz4;
  ALTER TABLE emails ALTER COLUMN text_extract SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  ALTER TABLE events ALTER COLUMN data SET STORAGE EXTERNAL;
  ALTER TABLE emails ALTER COLUMN headers SET STORAGE EXTERNAL;
  ALTER TABLE emails ALTER COLUMN body_structure SET STORAGE EXTERNAL;
  ALTER TABLE emails ALTER COLUMN text_extract SET STORAGE EXTERNAL;
END $$;

-- Down Migration
ALTER TABLE events ALTER COLUMN data SET STORAGE EXTENDED;
ALTER TABLE events ALTER COLUMN data SET COMPRESSION default;
DROP TABLE thread_emails;
DROP TABLE email_message_ids;
DROP TABLE email_mailboxes;
DROP TABLE emails;
