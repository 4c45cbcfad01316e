/**
 * Remembered logins (ADR 0011) on the real PostgreSQL: migration 0065's triggers, the LISTEN connection of
 * AccessChanges and the Authenticator answering from memory. `changes.sync()` is the barrier a test needs: it
 * returns once a notification sent after the change came back, and PostgreSQL delivers notifications in commit
 * order, so the change's own notification has been applied by then.
 */
import net from 'node:net';
import { createPool, type Pool } from '@jmap/platform';
import { createTestDatabase } from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AccessChanges } from './access-changes.js';
import { AccountsRepository } from './accounts.repository.js';
import { Authenticator, type AuthResult } from './authenticator.js';

const quiet = { info: () => undefined, warn: () => undefined };
const basic = (email: string, password: string) =>
  `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

let url: string;
let drop: () => Promise<void>;
let pool: Pool;
let repo: AccountsRepository;
let changes: AccessChanges;
let auth: Authenticator;
let reads: ReturnType<typeof vi.spyOn>;

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function okResult(r: AuthResult) {
  if (!r.ok) throw new Error(`expected a success, got ${r.status} ${r.reason}`);
  return r;
}

beforeAll(async () => {
  const db = await createTestDatabase();
  url = db.url;
  drop = db.drop;
  pool = createPool(url, 4, 'access-changes-int');
  repo = new AccountsRepository(pool);
  reads = vi.spyOn(repo, 'principalWithAccounts');
  changes = new AccessChanges(pool, quiet, { applicationName: 'access-changes-int-listener' });
  auth = new Authenticator(pool, repo, { failuresPerWindow: 100, windowSeconds: 3600 }, changes);
  changes.start();
  await until('listening', () => changes.isListening);
});

afterAll(async () => {
  await changes?.stop();
  await pool?.end();
  await drop?.();
});

/** Logs in (the first verification), then once more: the second answer is read and remembered. */
async function loggedIn(email: string, login: string) {
  await repo.createAccount({ email, password: `${email}-pw` });
  okResult(await auth.authenticate(login, '10.1.0.1'));
  const read = okResult(await auth.authenticate(login, '10.1.0.1'));
  expect(read.fromMemory).toBe(false);
  return read;
}

describe('AccessChanges and the Authenticator (ADR 0011)', () => {
  it('answers a cached login from memory, without a statement, while nothing about it changed', async () => {
    const login = basic('dora@example.com', 'dora@example.com-pw');
    const first = await loggedIn('dora@example.com', login);
    const before = reads.mock.calls.length;
    for (let i = 0; i < 5; i++) {
      const again = okResult(await auth.authenticate(login, '10.1.0.1'));
      expect(again.fromMemory).toBe(true);
      expect(again.accounts).toEqual(first.accounts);
    }
    expect(reads.mock.calls.length).toBe(before);
    // Another principal's change leaves this answer in memory.
    await repo.createAccount({ email: 'other@example.com', password: 'x' });
    await repo.setPassword('other@example.com', 'y');
    expect(await changes.sync()).toBe(true);
    expect(okResult(await auth.authenticate(login, '10.1.0.1')).fromMemory).toBe(true);
    // `fresh` reads anyway.
    expect(okResult(await auth.authenticate(login, '10.1.0.1', { fresh: true })).fromMemory).toBe(false);
  });

  it('refuses the old password once the reset has been notified, and accepts the new one', async () => {
    const login = basic('emil@example.com', 'emil@example.com-pw');
    await loggedIn('emil@example.com', login);
    expect(okResult(await auth.authenticate(login, '10.1.0.2')).fromMemory).toBe(true);
    await repo.setPassword('emil@example.com', 'emil-new');
    expect(await changes.sync()).toBe(true);
    expect(await auth.authenticate(login, '10.1.0.2')).toMatchObject({ ok: false, status: 401 });
    expect(await auth.authenticate(basic('emil@example.com', 'emil-new'), '10.1.0.2')).toMatchObject({
      ok: true,
    });
  });

  it('refuses a disabled principal once notified', async () => {
    const login = basic('fay@example.com', 'fay@example.com-pw');
    await loggedIn('fay@example.com', login);
    await pool.query("UPDATE principals SET disabled = true WHERE email = 'fay@example.com'");
    expect(await changes.sync()).toBe(true);
    expect(await auth.authenticate(login, '10.1.0.3')).toMatchObject({ ok: false, status: 401 });
  });

  it('follows a share being made, made read-only and removed, and an account renamed', async () => {
    const login = basic('gus@example.com', 'gus@example.com-pw');
    const gus = await loggedIn('gus@example.com', login);
    const team = await repo.createAccount({ email: 'team@example.com' });
    await pool.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [
      gus.principal.id,
      team.accountId,
    ]);
    expect(await changes.sync()).toBe(true);
    const shared = okResult(await auth.authenticate(login, '10.1.0.4'));
    expect(shared.fromMemory).toBe(false);
    expect(shared.accounts).toContainEqual({
      accountId: team.accountId,
      name: 'team@example.com',
      isPersonal: false,
      isReadOnly: false,
    });

    await pool.query('UPDATE account_access SET is_read_only = true WHERE account_id = $1', [team.accountId]);
    await pool.query("UPDATE accounts SET name = 'Team' WHERE id = $1", [team.accountId]);
    expect(await changes.sync()).toBe(true);
    expect(okResult(await auth.authenticate(login, '10.1.0.4')).accounts).toContainEqual({
      accountId: team.accountId,
      name: 'Team',
      isPersonal: false,
      isReadOnly: true,
    });

    await pool.query('DELETE FROM account_access WHERE account_id = $1 AND principal_id = $2', [
      team.accountId,
      gus.principal.id,
    ]);
    expect(await changes.sync()).toBe(true);
    const unshared = okResult(await auth.authenticate(login, '10.1.0.4'));
    expect(unshared.accounts?.map((a) => a.accountId)).toEqual(gus.accounts?.map((a) => a.accountId));
  });

  it('refuses a revoked token once notified; using a token (last_used_at) keeps it in memory', async () => {
    await repo.createAccount({ email: 'hal@example.com' });
    const { id, token } = await repo.createToken('hal@example.com', 'int');
    const bearer = `Bearer ${token}`;
    okResult(await auth.authenticate(bearer, '10.1.0.5'));
    expect(okResult(await auth.authenticate(bearer, '10.1.0.5')).fromMemory).toBe(false);
    await pool.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]);
    expect(await changes.sync()).toBe(true);
    expect(okResult(await auth.authenticate(bearer, '10.1.0.5')).fromMemory).toBe(true);
    expect(await repo.revokeToken(id)).toBe(true);
    expect(await changes.sync()).toBe(true);
    expect(await auth.authenticate(bearer, '10.1.0.5')).toMatchObject({ ok: false, status: 401 });
  });

  it('does not remember past a token expiry that arrives without any change', async () => {
    await repo.createAccount({ email: 'ida@example.com' });
    const { token } = await repo.createToken('ida@example.com', 'int', new Date(Date.now() + 60_000));
    const bearer = `Bearer ${token}`;
    okResult(await auth.authenticate(bearer, '10.1.0.6'));
    okResult(await auth.authenticate(bearer, '10.1.0.6'));
    expect(okResult(await auth.authenticate(bearer, '10.1.0.6')).fromMemory).toBe(true);
    // A minute later nothing has changed in the database, but the remembered expiry has passed.
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] });
    try {
      expect(await auth.authenticate(bearer, '10.1.0.6')).toMatchObject({ ok: false, status: 401 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('makes an answer read before a notification stale, whatever the timing (the stamp is taken before reading)', async () => {
    const jo = await repo.createAccount({ email: 'jo@example.com' });
    const stamp = changes.stamp();
    expect(stamp).toBeGreaterThan(0);
    await pool.query("UPDATE principals SET name = 'Jo' WHERE id = $1", [jo.principalId]);
    expect(await changes.sync()).toBe(true);
    expect(changes.isFresh(jo.principalId, stamp)).toBe(false);
    expect(changes.isFresh('p-someone-else', stamp)).toBe(true);
    expect(changes.isFresh(jo.principalId, changes.stamp())).toBe(true);
  });

  it('calls the watchers of the principal a change concerns, all of them on TRUNCATE, and none once stopped', async () => {
    const nia = await repo.createAccount({ email: 'nia@example.com' });
    const oz = await repo.createAccount({ email: 'oz@example.com' });
    expect(await changes.sync()).toBe(true); // their creation's notifications, before anyone watches
    const calls: string[] = [];
    const stopNia = changes.watch(nia.principalId, () => calls.push('nia'));
    const stopOz = changes.watch(oz.principalId, () => calls.push('oz'));
    await pool.query("UPDATE principals SET name = 'Nia' WHERE id = $1", [nia.principalId]);
    expect(await changes.sync()).toBe(true);
    expect(calls).toEqual(['nia']);
    await pool.query('TRUNCATE api_tokens');
    expect(await changes.sync()).toBe(true);
    expect(calls.sort()).toEqual(['nia', 'nia', 'oz']);
    stopNia();
    stopOz();
    await pool.query("UPDATE principals SET name = 'Nia again' WHERE id = $1", [nia.principalId]);
    expect(await changes.sync()).toBe(true);
    expect(calls).toHaveLength(3);
  });

  it('reads every remembered answer again after a TRUNCATE', async () => {
    const login = basic('kim@example.com', 'kim@example.com-pw');
    await loggedIn('kim@example.com', login);
    expect(okResult(await auth.authenticate(login, '10.1.0.7')).fromMemory).toBe(true);
    await pool.query('TRUNCATE api_tokens');
    expect(await changes.sync()).toBe(true);
    expect(okResult(await auth.authenticate(login, '10.1.0.7')).fromMemory).toBe(false);
  });

  it('reads the database while its connection is gone, and remembers again once it listens anew', async () => {
    const login = basic('lou@example.com', 'lou@example.com-pw');
    const lou = await loggedIn('lou@example.com', login);
    expect(okResult(await auth.authenticate(login, '10.1.0.8')).fromMemory).toBe(true);
    let toldAgain = false;
    const stopWatching = changes.watch(lou.principal.id, () => (toldAgain = true));
    const { rows } = await pool.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'access-changes-int-listener'",
    );
    expect(rows).toEqual([{ ok: true }]);
    await until('the loss is noticed', () => !changes.isListening);
    // A reset while nobody listens: its notification is lost, and must not matter.
    await repo.setPassword('lou@example.com', 'lou-new');
    expect(await auth.authenticate(login, '10.1.0.8')).toMatchObject({ ok: false, status: 401 });
    const fresh = basic('lou@example.com', 'lou-new');
    okResult(await auth.authenticate(fresh, '10.1.0.8'));
    expect(okResult(await auth.authenticate(fresh, '10.1.0.8')).fromMemory).toBe(false);
    await until('listening again', () => changes.isListening);
    await until('the watcher is told that anything may have changed meanwhile', () => toldAgain);
    stopWatching();
    okResult(await auth.authenticate(fresh, '10.1.0.8'));
    expect(okResult(await auth.authenticate(fresh, '10.1.0.8')).fromMemory).toBe(true);
  });
});

describe('a stalled listening connection (ADR 0011)', () => {
  /** A TCP relay to PostgreSQL whose open connections can be frozen (a network stall: no error, no data). */
  async function relay(target: URL) {
    const sockets: Array<[net.Socket, net.Socket]> = [];
    const frozen: Array<[net.Socket, net.Socket]> = [];
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop);
      upstream.on('error', drop);
      sockets.push([client, upstream]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as net.AddressInfo).port,
      freeze: () => {
        for (const pair of sockets.splice(0)) {
          frozen.push(pair);
          const [client, upstream] = pair;
          client.unpipe();
          upstream.unpipe();
          client.pause();
          upstream.pause();
        }
      },
      close: async () => {
        for (const [client, upstream] of [...sockets, ...frozen]) {
          client.destroy();
          upstream.destroy();
        }
        await new Promise((r) => server.close(r));
      },
    };
  }

  it('gives the connection up when its heartbeat does not come back, reads the database meanwhile, and listens again', async () => {
    const target = new URL(url);
    const proxy = await relay(target);
    const viaProxy = new URL(url);
    viaProxy.port = String(proxy.port);
    const listenerPool = createPool(viaProxy.toString(), 2, 'access-changes-stall');
    const warnings: string[] = [];
    const stalled = new AccessChanges(
      listenerPool,
      { info: () => undefined, warn: (_o: unknown, m?: string) => void warnings.push(String(m)) },
      {
        heartbeatMs: 1000,
      },
    );
    const stalledAuth = new Authenticator(
      pool,
      repo,
      { failuresPerWindow: 100, windowSeconds: 3600 },
      stalled,
    );
    try {
      stalled.start();
      await until('listening', () => stalled.isListening);
      const login = basic('max@example.com', 'max@example.com-pw');
      await repo.createAccount({ email: 'max@example.com', password: 'max@example.com-pw' });
      okResult(await stalledAuth.authenticate(login, '10.1.0.9'));
      okResult(await stalledAuth.authenticate(login, '10.1.0.9'));
      expect(okResult(await stalledAuth.authenticate(login, '10.1.0.9')).fromMemory).toBe(true);

      proxy.freeze();
      // Changed during the stall: the notification cannot arrive.
      await repo.setPassword('max@example.com', 'max-new');
      await until('the stall is noticed', () => !stalled.isListening);
      expect(warnings.some((w) => w.startsWith('not listening for access changes'))).toBe(true);
      expect(await stalledAuth.authenticate(login, '10.1.0.9')).toMatchObject({ ok: false, status: 401 });

      await until('listening on a new connection', () => stalled.isListening);
      const fresh = basic('max@example.com', 'max-new');
      okResult(await stalledAuth.authenticate(fresh, '10.1.0.9'));
      okResult(await stalledAuth.authenticate(fresh, '10.1.0.9'));
      expect(okResult(await stalledAuth.authenticate(fresh, '10.1.0.9')).fromMemory).toBe(true);
    } finally {
      await stalled.stop();
      await proxy.close();
      await listenerPool.end().catch(() => undefined);
    }
  });
});
