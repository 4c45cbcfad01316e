-- Up Migration

-- One event log per account (DESIGN.md invariant 1). The row in account_streams is the append lock: a
-- command's transaction takes it FOR UPDATE, so appends for one account are serialized while different
-- accounts never wait on each other. `modseq` is the account's last appended position.
CREATE TABLE account_streams (
  account_id text PRIMARY KEY,
  modseq bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE events (
  account_id text NOT NULL,
  modseq bigint NOT NULL,
  type text NOT NULL,
  version smallint NOT NULL,
  data jsonb NOT NULL,
  command_id text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, modseq)
);

-- Idempotent commands (invariant 3): the reply of every handled command, written in the command's own
-- transaction, so that the same command id handled again returns this reply and appends nothing.
CREATE TABLE processed_commands (
  account_id text NOT NULL,
  command_id text NOT NULL,
  reply jsonb NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, command_id)
);

-- The per-type change log that /changes and /queryChanges read: one row per object changed at a modseq.
-- kind: c(reated), u(pdated), d(estroyed). props lists the properties an update touched where the type
-- reports updatedProperties (Mailbox counts); NULL means "any property".
CREATE TABLE changes (
  account_id text NOT NULL,
  type text NOT NULL,
  modseq bigint NOT NULL,
  object_id text NOT NULL,
  kind char(1) NOT NULL CHECK (kind IN ('c', 'u', 'd')),
  props text[],
  PRIMARY KEY (account_id, type, modseq, object_id)
);

-- Transactional outbox: events to publish on the events topic, written with the events themselves.
CREATE TABLE outbox (
  account_id text NOT NULL,
  modseq bigint NOT NULL,
  types text[] NOT NULL DEFAULT '{}',
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, modseq)
);

-- Background projectors record the last modseq they applied per account (invariant 3, 4).
CREATE TABLE projector_positions (
  projector text NOT NULL,
  account_id text NOT NULL,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projector, account_id)
);

-- Down Migration
DROP TABLE projector_positions;
DROP TABLE outbox;
DROP TABLE changes;
DROP TABLE processed_commands;
DROP TABLE events;
DROP TABLE account_streams;
