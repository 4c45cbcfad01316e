-- Up Migration

-- Identity read model (RFC 8621 section 6; inline projection of Identity* events). reply_to and bcc hold
-- EmailAddress[] as JSON, or NULL.
CREATE TABLE identities (
  account_id text NOT NULL,
  id text NOT NULL,
  name text NOT NULL DEFAULT '',
  email text NOT NULL,
  reply_to jsonb,
  bcc jsonb,
  text_signature text NOT NULL DEFAULT '',
  html_signature text NOT NULL DEFAULT '',
  may_delete boolean NOT NULL DEFAULT true,
  PRIMARY KEY (account_id, id)
);

-- Down Migration
DROP TABLE identities;
