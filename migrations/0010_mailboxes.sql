-- Up Migration

-- Mailbox read model (inline projection of Mailbox* events). The counts are maintained by the email
-- projection in the same transactions as the email changes that move them.
CREATE TABLE mailboxes (
  account_id text NOT NULL,
  id text NOT NULL,
  name text NOT NULL,
  parent_id text,
  role text,
  sort_order integer NOT NULL DEFAULT 0,
  is_subscribed boolean NOT NULL DEFAULT true,
  total_emails integer NOT NULL DEFAULT 0,
  unread_emails integer NOT NULL DEFAULT 0,
  total_threads integer NOT NULL DEFAULT 0,
  unread_threads integer NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX mailboxes_role_idx ON mailboxes (account_id, role) WHERE role IS NOT NULL;

-- Down Migration
DROP TABLE mailboxes;
