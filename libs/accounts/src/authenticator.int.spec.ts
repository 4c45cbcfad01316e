/**
 * The Authenticator on the real PostgreSQL. Counts argon2 verifications to show that a login costs the same
 * whether or not the account exists (no user enumeration by response time).
 */
import { createPool, type Pool } from '@jmap/platform';
import { createTestDatabase } from '@jmap/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountsRepository } from './accounts.repository.js';
import { Authenticator } from './authenticator.js';

const verifications = vi.hoisted(() => ({ count: 0 }));
vi.mock('./secrets.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./secrets.js')>();
  return {
    ...real,
    verifySecret: async (hashed: string, secret: string) => {
      verifications.count++;
      return real.verifySecret(hashed, secret);
    },
  };
});

let pool: Pool;
let drop: () => Promise<void>;
let repo: AccountsRepository;
let auth: Authenticator;
let address = 0;
const basic = (email: string, password: string) =>
  `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  pool = createPool(db.url, 4, 'accounts-int');
  repo = new AccountsRepository(pool);
  auth = new Authenticator(pool, repo, { failuresPerWindow: 100, windowSeconds: 3600 });
  await repo.createAccount({ email: 'alice@example.com', password: 'alice-secret' });
});

afterAll(async () => {
  await pool?.end();
  await drop?.();
});

beforeEach(() => {
  verifications.count = 0;
});

describe('Authenticator', () => {
  it('spends one argon2 verification on a wrong password', async () => {
    const r = await auth.authenticate(basic('alice@example.com', 'wrong'), `10.0.0.${++address}`);
    expect(r).toMatchObject({ ok: false, status: 401 });
    expect(verifications.count).toBe(1);
  });

  it('spends one argon2 verification on an unknown login too, so response time does not reveal accounts (regression)', async () => {
    const r = await auth.authenticate(basic('nobody@example.com', 'whatever'), `10.0.0.${++address}`);
    expect(r).toMatchObject({ ok: false, status: 401 });
    expect(verifications.count).toBe(1);
  });

  it('spends one argon2 verification on a well-formed token whose id does not exist', async () => {
    const r = await auth.authenticate(
      'Bearer jmap_tnosuchtoken_abcdefghijklmnopqrstuvwxyz234567',
      `10.0.0.${++address}`,
    );
    expect(r).toMatchObject({ ok: false, status: 401 });
    expect(verifications.count).toBe(1);
  });

  it('accepts the right password, then answers from its cache without verifying again', async () => {
    expect(await auth.authenticate(basic('alice@example.com', 'alice-secret'), '10.0.1.1')).toMatchObject({
      ok: true,
    });
    expect(await auth.authenticate(basic('alice@example.com', 'alice-secret'), '10.0.1.1')).toMatchObject({
      ok: true,
    });
    expect(verifications.count).toBe(1);
  });

  it("answers a cached verification with the principal's accounts as they are now, read in the same statement", async () => {
    const bob = await repo.createAccount({ email: 'bob@example.com', password: 'bob-secret' });
    const login = basic('bob@example.com', 'bob-secret');
    const first = await auth.authenticate(login, '10.0.1.3');
    expect(first).toMatchObject({ ok: true });
    // Shared with bob after his login: the cached answer must include it on the very next request.
    const carol = await repo.createAccount({ email: 'carol@example.com', password: 'carol-secret' });
    await pool.query(
      'INSERT INTO account_access (principal_id, account_id, is_read_only) VALUES ($1, $2, true)',
      [bob.principalId, carol.accountId],
    );
    const cached = await auth.authenticate(login, '10.0.1.3');
    expect(verifications.count).toBe(1);
    if (!cached.ok) throw new Error('expected a cached success');
    expect(cached.principal.id).toBe(bob.principalId);
    expect(cached.accounts).toEqual(await repo.accessibleAccounts(bob.principalId));
    expect(cached.accounts).toHaveLength(2);
    expect(cached.accounts).toEqual(
      expect.arrayContaining([
        { accountId: bob.accountId, name: expect.any(String), isPersonal: true, isReadOnly: false },
        { accountId: carol.accountId, name: expect.any(String), isPersonal: false, isReadOnly: true },
      ]),
    );
  });

  it('stops accepting a cached password as soon as it is reset', async () => {
    expect(await auth.authenticate(basic('alice@example.com', 'alice-secret'), '10.0.1.2')).toMatchObject({
      ok: true,
    });
    await repo.setPassword('alice@example.com', 'alice-new');
    expect(await auth.authenticate(basic('alice@example.com', 'alice-secret'), '10.0.1.2')).toMatchObject({
      ok: false,
      status: 401,
    });
    expect(await auth.authenticate(basic('alice@example.com', 'alice-new'), '10.0.1.2')).toMatchObject({
      ok: true,
    });
  });
});
