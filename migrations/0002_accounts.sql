-- Up Migration

-- Principals log in; accounts hold data; account_access says which principal may use which account
-- (invariant 7: every read and write is scoped to an account the authenticated principal may access).
CREATE TABLE domains (
  name text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE principals (
  id text PRIMARY KEY,
  -- Login name, stored lowercased.
  email text NOT NULL UNIQUE,
  name text NOT NULL DEFAULT '',
  -- argon2id PHC string; NULL means no password login (tokens only).
  password_hash text,
  -- Bumped whenever credentials change, so cached verifications in every gateway replica stop matching.
  credentials_version integer NOT NULL DEFAULT 1,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  id text PRIMARY KEY,
  name text NOT NULL,
  owner_principal_id text REFERENCES principals (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE account_access (
  principal_id text NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  is_read_only boolean NOT NULL DEFAULT false,
  PRIMARY KEY (principal_id, account_id)
);
CREATE INDEX account_access_account_idx ON account_access (account_id);

-- Addresses that deliver into an account (lowercased), used by delivery, identities and submission.
CREATE TABLE account_addresses (
  address text PRIMARY KEY,
  account_id text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE
);
CREATE INDEX account_addresses_account_idx ON account_addresses (account_id);

-- API tokens / app passwords: "jmap_<id>_<secret>"; only an argon2id hash of the secret is kept.
CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  principal_id text NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  secret_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  last_used_at timestamptz
);
CREATE INDEX api_tokens_principal_idx ON api_tokens (principal_id);

-- Failed logins per key ("p:<email>" or "a:<address>") in fixed windows, shared by every gateway replica.
CREATE TABLE auth_failures (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  failures integer NOT NULL,
  PRIMARY KEY (key, window_start)
);

-- Down Migration
DROP TABLE auth_failures;
DROP TABLE api_tokens;
DROP TABLE account_addresses;
DROP TABLE account_access;
DROP TABLE accounts;
DROP TABLE principals;
DROP TABLE domains;
