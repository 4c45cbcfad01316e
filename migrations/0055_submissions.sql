-- Up Migration

-- EmailSubmission read model (inline projection "email-submissions" of EmailSubmission* events,
-- libs/submission/data-access). Rebuilt from the events alone.
CREATE TABLE email_submissions (
  account_id text NOT NULL,
  id text NOT NULL,
  identity_id text NOT NULL,
  email_id text NOT NULL,
  thread_id text NOT NULL,
  envelope jsonb NOT NULL,
  send_at timestamptz NOT NULL,
  undo_status text NOT NULL,
  delivery_status jsonb NOT NULL,
  dsn_blob_ids text[] NOT NULL DEFAULT '{}',
  mdn_blob_ids text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (account_id, id)
);
CREATE INDEX email_submissions_send_at_idx ON email_submissions (account_id, send_at, id);

-- VacationResponse read model (same projection): one row per account once it was ever set; no row reads as the
-- RFC 8621 8 default (disabled, every other property null).
CREATE TABLE vacation_responses (
  account_id text PRIMARY KEY,
  is_enabled boolean NOT NULL,
  from_date timestamptz,
  to_date timestamptz,
  subject text,
  text_body text,
  html_body text
);

-- The send queue (not a read model: written by the EmailSubmission/set command in its transaction, never by a
-- replay). A sender takes a due row with SELECT ... FOR UPDATE SKIP LOCKED and holds that row lock while it
-- sends, so two replicas never send the same submission; a killed sender's lock goes with its connection.
CREATE TABLE submission_queue (
  account_id text NOT NULL,
  submission_id text NOT NULL,
  due_at timestamptz NOT NULL,
  -- queued | done | canceled
  state text NOT NULL,
  -- What the sender needs, copied at creation: destroying the EmailSubmission or its Email must not change the
  -- send (RFC 8621 7.5). progress: the DeliveryStatus per recipient so far (retries go to the queued ones).
  blob_id text NOT NULL,
  envelope jsonb NOT NULL,
  progress jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, submission_id)
);
-- The one cross-account read: the senders' poll for due work (a partial index holds only what is queued).
CREATE INDEX submission_queue_due_idx ON submission_queue (due_at) WHERE state = 'queued';

-- Every send attempt, written (committed) before the first octet goes out and completed in the transaction that
-- records the outcome. A "sending" row found by a later attempt is one whose replica died mid-send.
CREATE TABLE submission_attempts (
  attempt_id text PRIMARY KEY,
  account_id text NOT NULL,
  submission_id text NOT NULL,
  replica text NOT NULL,
  -- sending | recorded | abandoned
  status text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  result jsonb
);
CREATE INDEX submission_attempts_submission_idx ON submission_attempts (account_id, submission_id);

-- Vacation replies sent: one per (account, sender) per period (RFC 3834 section 2, RFC 8621 8).
CREATE TABLE vacation_replies (
  account_id text NOT NULL,
  sender text NOT NULL,
  replied_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, sender)
);

-- Down Migration
DROP TABLE vacation_replies;
DROP TABLE submission_attempts;
DROP TABLE submission_queue;
DROP TABLE vacation_responses;
DROP TABLE email_submissions;
