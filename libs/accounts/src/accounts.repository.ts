/**
 * Principals, accounts, their addresses and API tokens in PostgreSQL. The admin command line and the gateway
 * both use this; mail data itself lives in the event-sourced services.
 */
import type { Pool, Queryable } from '@jmap/platform';
import { hashSecret, randomId } from './secrets.js';

export interface AccountRecord {
  accountId: string;
  name: string;
  isPersonal: boolean;
  isReadOnly: boolean;
}

export interface PrincipalRecord {
  id: string;
  email: string;
  name: string;
  passwordHash: string | null;
  credentialsVersion: number;
  disabled: boolean;
}

export interface AccountListing {
  email: string;
  principalId: string;
  accountId: string;
  name: string;
  createdAt: string;
  addresses: string[];
}

export class AccountError extends Error {}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL_RE.test(e)) throw new AccountError(`"${email}" is not an email address`);
  return e;
}

export class AccountsRepository {
  constructor(private readonly db: Pool) {}

  async createDomain(name: string): Promise<boolean> {
    const { rowCount } = await this.db.query('INSERT INTO domains (name) VALUES ($1) ON CONFLICT DO NOTHING', [name.toLowerCase()]);
    return (rowCount ?? 0) > 0;
  }

  async listDomains(): Promise<string[]> {
    const { rows } = await this.db.query<{ name: string }>('SELECT name FROM domains ORDER BY name');
    return rows.map((r) => r.name);
  }

  /** Creates a principal with its personal account and address. The domain is created when missing. */
  async createAccount(input: { email: string; password?: string; name?: string }): Promise<{ principalId: string; accountId: string }> {
    const email = normaliseEmail(input.email);
    const passwordHash = input.password ? await hashSecret(input.password) : null;
    const principalId = randomId('p');
    const accountId = randomId('a');
    const client = await this.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO domains (name) VALUES ($1) ON CONFLICT DO NOTHING', [email.split('@')[1]]);
      const exists = await client.query('SELECT 1 FROM principals WHERE email = $1', [email]);
      if (exists.rowCount) throw new AccountError(`an account for ${email} already exists`);
      await client.query('INSERT INTO principals (id, email, name, password_hash) VALUES ($1, $2, $3, $4)', [
        principalId,
        email,
        input.name ?? '',
        passwordHash,
      ]);
      await client.query('INSERT INTO accounts (id, name, owner_principal_id) VALUES ($1, $2, $3)', [accountId, email, principalId]);
      await client.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [principalId, accountId]);
      await client.query('INSERT INTO account_addresses (address, account_id) VALUES ($1, $2)', [email, accountId]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return { principalId, accountId };
  }

  async setPassword(email: string, password: string): Promise<void> {
    const hashed = await hashSecret(password);
    const { rowCount } = await this.db.query(
      'UPDATE principals SET password_hash = $2, credentials_version = credentials_version + 1 WHERE email = $1',
      [normaliseEmail(email), hashed],
    );
    if (!rowCount) throw new AccountError(`no account for ${email}`);
  }

  /** Creates an API token; the full token is returned once and never stored. */
  async createToken(email: string, name = '', expiresAt: Date | null = null): Promise<{ id: string; token: string }> {
    const principal = await this.principalByEmail(email);
    if (!principal) throw new AccountError(`no account for ${email}`);
    const id = randomId('t', 8);
    const secret = randomId('', 20);
    await this.db.query('INSERT INTO api_tokens (id, principal_id, name, secret_hash, expires_at) VALUES ($1, $2, $3, $4, $5)', [
      id,
      principal.id,
      name,
      await hashSecret(secret),
      expiresAt,
    ]);
    return { id, token: `jmap_${id}_${secret}` };
  }

  async revokeToken(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM api_tokens WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  async principalByEmail(email: string, db: Queryable = this.db): Promise<PrincipalRecord | null> {
    const { rows } = await db.query(
      'SELECT id, email, name, password_hash, credentials_version, disabled FROM principals WHERE email = $1',
      [email.trim().toLowerCase()],
    );
    return rows[0] ? toPrincipal(rows[0]) : null;
  }

  async principalById(id: string): Promise<PrincipalRecord | null> {
    const { rows } = await this.db.query(
      'SELECT id, email, name, password_hash, credentials_version, disabled FROM principals WHERE id = $1',
      [id],
    );
    return rows[0] ? toPrincipal(rows[0]) : null;
  }

  async tokenById(id: string): Promise<{ id: string; principalId: string; secretHash: string; expiresAt: Date | null } | null> {
    const { rows } = await this.db.query<{ id: string; principal_id: string; secret_hash: string; expires_at: Date | null }>(
      'SELECT id, principal_id, secret_hash, expires_at FROM api_tokens WHERE id = $1',
      [id],
    );
    const r = rows[0];
    return r ? { id: r.id, principalId: r.principal_id, secretHash: r.secret_hash, expiresAt: r.expires_at } : null;
  }

  /**
   * A principal together with the accounts it may use, in one statement: what every authenticated request needs
   * once its credentials are known (a cached verification), at the cost of one round trip instead of two.
   */
  async principalWithAccounts(id: string): Promise<{ principal: PrincipalRecord; accounts: AccountRecord[] } | null> {
    const { rows } = await this.db.query(
      `SELECT p.id, p.email, p.name, p.password_hash, p.credentials_version, p.disabled,
              COALESCE((SELECT json_agg(json_build_array(a.id, a.name, a.owner_principal_id IS NOT DISTINCT FROM p.id, x.is_read_only)
                                        ORDER BY a.id)
                          FROM account_access x JOIN accounts a ON a.id = x.account_id
                         WHERE x.principal_id = p.id), '[]') AS accounts
         FROM principals p WHERE p.id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    const accounts = (row.accounts as Array<[string, string, boolean, boolean]>).map(([accountId, name, isPersonal, isReadOnly]) => ({
      accountId,
      name,
      isPersonal,
      isReadOnly,
    }));
    return { principal: toPrincipal(row), accounts };
  }

  /** The accounts a principal may use (ordered by id, like principalWithAccounts). */
  async accessibleAccounts(principalId: string): Promise<AccountRecord[]> {
    const { rows } = await this.db.query<{ id: string; name: string; owner_principal_id: string | null; is_read_only: boolean }>(
      `SELECT a.id, a.name, a.owner_principal_id, x.is_read_only
         FROM account_access x JOIN accounts a ON a.id = x.account_id
        WHERE x.principal_id = $1 ORDER BY a.id`,
      [principalId],
    );
    return rows.map((r) => ({
      accountId: r.id,
      name: r.name,
      isPersonal: r.owner_principal_id === principalId,
      isReadOnly: r.is_read_only,
    }));
  }

  async accountIdForAddress(address: string): Promise<string | null> {
    const { rows } = await this.db.query<{ account_id: string }>('SELECT account_id FROM account_addresses WHERE address = $1', [
      address.trim().toLowerCase(),
    ]);
    return rows[0]?.account_id ?? null;
  }

  async addressesOf(accountId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ address: string }>(
      'SELECT address FROM account_addresses WHERE account_id = $1 ORDER BY address',
      [accountId],
    );
    return rows.map((r) => r.address);
  }

  async listAccounts(): Promise<AccountListing[]> {
    const { rows } = await this.db.query<{
      email: string;
      principal_id: string;
      account_id: string;
      name: string;
      created_at: Date;
      addresses: string[];
    }>(
      `SELECT p.email, p.id AS principal_id, a.id AS account_id, a.name, a.created_at,
              COALESCE(array_agg(ad.address ORDER BY ad.address) FILTER (WHERE ad.address IS NOT NULL), '{}') AS addresses
         FROM accounts a JOIN principals p ON p.id = a.owner_principal_id
         LEFT JOIN account_addresses ad ON ad.account_id = a.id
        GROUP BY p.email, p.id, a.id, a.name, a.created_at ORDER BY p.email`,
    );
    return rows.map((r) => ({
      email: r.email,
      principalId: r.principal_id,
      accountId: r.account_id,
      name: r.name,
      createdAt: r.created_at.toISOString(),
      addresses: r.addresses,
    }));
  }
}

function toPrincipal(r: Record<string, unknown>): PrincipalRecord {
  return {
    id: r.id as string,
    email: r.email as string,
    name: r.name as string,
    passwordHash: (r.password_hash as string | null) ?? null,
    credentialsVersion: r.credentials_version as number,
    disabled: r.disabled as boolean,
  };
}
