-- Up Migration

-- PushSubscriptions (RFC 8620 section 7.2) belong to a principal, not to an account: they are not account data
-- and are not event-sourced. A destroyed subscription's row is deleted, which erases its URL and keys (the RFC
-- requires that). credentials_version is the principal's at creation: a password reset makes the subscription
-- void (section 7.2: it is tied to the credentials that created it), and the push service deletes it.
CREATE TABLE push_subscriptions (
  id text PRIMARY KEY,
  principal_id text NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  credentials_version integer NOT NULL,
  device_client_id text NOT NULL,
  url text NOT NULL,
  -- RFC 8291 keys (URL-safe base64), both NULL when the client gave none.
  p256dh text,
  auth text,
  verification_code text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  expires_at timestamptz NOT NULL,
  -- NULL: every type (rfc-clarifications Q20).
  types text[],
  -- The largest state pushed per account and type ({"<accountId>": {"Mailbox": 12}}), so that a StateChange
  -- computed twice (redelivery, a rebalance between push replicas) is not POSTed twice.
  sent_states jsonb NOT NULL DEFAULT '{}',
  consecutive_failures integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX push_subscriptions_principal_idx ON push_subscriptions (principal_id);

-- Short-lived tickets for EventSource clients that cannot send an Authorization header (browsers): issued by
-- POST /jmap/eventsource-token to an authenticated client, presented as ?token= and valid until expires_at (also
-- for the browser's automatic reconnects). Only a SHA-256 of the ticket is kept.
CREATE TABLE eventsource_tokens (
  token_hash text PRIMARY KEY,
  principal_id text NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  credentials_version integer NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX eventsource_tokens_expiry_idx ON eventsource_tokens (expires_at);

-- Down Migration
DROP TABLE eventsource_tokens;
DROP TABLE push_subscriptions;
