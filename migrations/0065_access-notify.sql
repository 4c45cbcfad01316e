-- Up Migration

-- Gateways answer an authenticated request from memory (ADR 0011): a verified login keeps the principal and the
-- accounts it may use until PostgreSQL reports a change to what they were read from. Every change that can alter
-- a request's authentication or its accounts notifies channel jmap_access, after commit, with the id of the
-- principal it concerns, or '*' when it may concern anyone (TRUNCATE).
CREATE FUNCTION jmap_access_changed() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('jmap_access', '*');
  ELSIF TG_TABLE_NAME = 'principals' THEN
    -- A password reset, a disabled or deleted principal.
    PERFORM pg_notify('jmap_access', OLD.id);
    IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
      PERFORM pg_notify('jmap_access', NEW.id);
    END IF;
  ELSIF TG_TABLE_NAME = 'accounts' THEN
    -- A renamed account, a changed owner (isPersonal), a deleted account: everyone who may use it.
    PERFORM pg_notify('jmap_access', x.principal_id) FROM account_access x WHERE x.account_id = OLD.id;
  ELSE
    -- account_access (an account shared, unshared, made read-only) and api_tokens (revoked, expiry changed).
    IF TG_OP <> 'INSERT' THEN
      PERFORM pg_notify('jmap_access', OLD.principal_id);
    END IF;
    IF TG_OP <> 'DELETE' THEN
      PERFORM pg_notify('jmap_access', NEW.principal_id);
    END IF;
  END IF;
  RETURN NULL;
END $$;

-- A new principal or token invalidates nothing: no cached login can name it yet. A token's last_used_at, written
-- on every full verification, is not part of what a cached login keeps.
CREATE TRIGGER jmap_access_changed AFTER UPDATE OR DELETE ON principals
  FOR EACH ROW EXECUTE FUNCTION jmap_access_changed();
CREATE TRIGGER jmap_access_changed AFTER UPDATE OR DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION jmap_access_changed();
CREATE TRIGGER jmap_access_changed AFTER INSERT OR UPDATE OR DELETE ON account_access
  FOR EACH ROW EXECUTE FUNCTION jmap_access_changed();
CREATE TRIGGER jmap_access_changed AFTER UPDATE OF principal_id, secret_hash, expires_at OR DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION jmap_access_changed();
CREATE TRIGGER jmap_access_truncated AFTER TRUNCATE ON principals
  FOR EACH STATEMENT EXECUTE FUNCTION jmap_access_changed();
CREATE TRIGGER jmap_access_truncated AFTER TRUNCATE ON accounts
  FOR EACH STATEMENT EXECUTE FUNCTION jmap_access_changed();
CREATE TRIGGER jmap_access_truncated AFTER TRUNCATE ON account_access
  FOR EACH STATEMENT EXECUTE FUNCTION jmap_access_changed();
CREATE TRIGGER jmap_access_truncated AFTER TRUNCATE ON api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION jmap_access_changed();

-- Down Migration
DROP TRIGGER jmap_access_truncated ON api_tokens;
DROP TRIGGER jmap_access_truncated ON account_access;
DROP TRIGGER jmap_access_truncated ON accounts;
DROP TRIGGER jmap_access_truncated ON principals;
DROP TRIGGER jmap_access_changed ON api_tokens;
DROP TRIGGER jmap_access_changed ON account_access;
DROP TRIGGER jmap_access_changed ON accounts;
DROP TRIGGER jmap_access_changed ON principals;
DROP FUNCTION jmap_access_changed();
