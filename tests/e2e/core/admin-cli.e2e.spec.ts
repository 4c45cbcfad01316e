/**
 * The admin command line (`npm run admin -- ...`) against a real database, checked through logins at the gateway:
 * accounts, domains, API tokens, password resets, migrations; --json output; exit codes 0, 1 and 2. The gateway
 * runs with AUTH_ACCESS_LISTEN=false (ADR 0011): it reads every request's login from the database.
 */
import { startTestStack, type TestStack } from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: TestStack;

let ivyAccount: string;

beforeAll(async () => {
  stack = await startTestStack({ env: { AUTH_ACCESS_LISTEN: 'false' } });
  // The accounts the tests below work on, created side by side.
  const [, ivy] = await Promise.all(
    ['henry', 'ivy', 'jack', 'kate', 'liam'].map((n) => stack.createAccount(`${n}@example.com`, `${n}-old`)),
  );
  ivyAccount = ivy.accountId;
});

afterAll(async () => {
  await stack?.stop();
});

const basic = (email: string, password: string) =>
  `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;
const login = async (authorization: string) =>
  (await fetch(`${stack.url}/jmap/session`, { headers: { authorization } })).status;

describe('admin: accounts', () => {
  it('creates an account with the given password; the password logs in and the JSON names the ids', async () => {
    const r = await stack.admin([
      'account',
      'create',
      'Erin@Example.com',
      '--password',
      'erin-secret',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    expect(out).toEqual({
      email: 'erin@example.com',
      accountId: expect.any(String),
      principalId: expect.any(String),
    });
    expect(await login(basic('erin@example.com', 'erin-secret'))).toBe(200);
  });

  it('generates and prints a password when none is given', async () => {
    const r = await stack.admin(['account', 'create', 'frank@example.com', '--json']);
    expect(r.code).toBe(0);
    const { password } = JSON.parse(r.stdout) as { password: string };
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(await login(basic('frank@example.com', password))).toBe(200);
  });

  it('prints the generated password in the human output too', async () => {
    const r = await stack.admin(['account', 'create', 'gina@example.com']);
    expect(r.code).toBe(0);
    const password = /password:\s+(\S+)/.exec(r.stdout)?.[1];
    expect(password).toBeDefined();
    expect(await login(basic('gina@example.com', password!))).toBe(200);
  });

  it('fails with exit code 1 for an account that exists', async () => {
    const r = await stack.admin(['account', 'create', 'henry@example.com', '--password', 'other']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already exists');
  });

  it('fails with exit code 1 for an address that is not an email address', async () => {
    const r = await stack.admin(['account', 'create', 'not-an-address', '--password', 'x']);
    expect(r.code).toBe(1);
  });

  it('lists accounts as JSON with their ids and addresses', async () => {
    const r = await stack.admin(['account', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toContainEqual(
      expect.objectContaining({
        email: 'ivy@example.com',
        accountId: ivyAccount,
        addresses: ['ivy@example.com'],
      }),
    );
    const human = await stack.admin(['account', 'list']);
    expect(human.stdout).toContain('ivy@example.com');
  });
});

describe('admin: domains', () => {
  it('creates a domain once and lists it', async () => {
    const first = await stack.admin(['domain', 'create', 'Example.ORG', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ domain: 'example.org', created: true });
    const again = await stack.admin(['domain', 'create', 'example.org', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ domain: 'example.org', created: false });
    const list = await stack.admin(['domain', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toContain('example.org');
  });

  it('fails with exit code 1 for a name that is not a domain', async () => {
    expect((await stack.admin(['domain', 'create', 'no spaces.example'])).code).toBe(1);
  });
});

describe('admin: tokens and passwords', () => {
  it('creates a Bearer token that logs in until it is revoked', async () => {
    const created = await stack.admin([
      'token',
      'create',
      'jack@example.com',
      '--name',
      'ci',
      '--expires-days',
      '30',
      '--json',
    ]);
    expect(created.code).toBe(0);
    const { id, token, expiresAt } = JSON.parse(created.stdout) as {
      id: string;
      token: string;
      expiresAt: string;
    };
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(await login(`Bearer ${token}`)).toBe(200);
    const revoked = await stack.admin(['token', 'revoke', id]);
    expect(revoked.code).toBe(0);
    expect(await login(`Bearer ${token}`)).toBe(401);
  });

  it('fails with exit code 1 to revoke a token that does not exist, or to create one for an unknown account', async () => {
    expect((await stack.admin(['token', 'revoke', 'tnosuchtoken'])).code).toBe(1);
    expect((await stack.admin(['token', 'create', 'nobody@example.com'])).code).toBe(1);
  });

  it('resets a password: the old one stops working at once, the new one works', async () => {
    expect(await login(basic('kate@example.com', 'kate-old'))).toBe(200);
    const r = await stack.admin(['password', 'reset', 'kate@example.com', '--password', 'kate-new']);
    expect(r.code).toBe(0);
    expect(await login(basic('kate@example.com', 'kate-old'))).toBe(401);
    expect(await login(basic('kate@example.com', 'kate-new'))).toBe(200);
  });

  it('with AUTH_ACCESS_LISTEN=false, applies a reset to the very next API request of a login used before', async () => {
    const login = basic('mia@example.com', 'mia-old');
    await stack.createAccount('mia@example.com', 'mia-old');
    const echo = () =>
      fetch(`${stack.url}/jmap/api`, {
        method: 'POST',
        headers: { authorization: login, 'content-type': 'application/json' },
        body: JSON.stringify({ using: ['urn:ietf:params:jmap:core'], methodCalls: [['Core/echo', {}, 'e']] }),
      });
    for (let i = 0; i < 3; i++) expect((await echo()).status).toBe(200);
    expect((await stack.admin(['password', 'reset', 'mia@example.com', '--password', 'mia-new'])).code).toBe(
      0,
    );
    expect((await echo()).status).toBe(401);
    const metrics = await (await fetch(`${stack.opsUrl('gateway')}/metrics`)).text();
    expect(metrics).toContain('jmap_api_requests_total');
    expect(metrics).not.toContain('jmap_access_listening');
  });

  it('generates and prints the new password when none is given', async () => {
    const r = await stack.admin(['password', 'reset', 'liam@example.com', '--json']);
    const { password } = JSON.parse(r.stdout) as { password: string };
    expect(await login(basic('liam@example.com', password))).toBe(200);
  });
});

describe('admin: maintenance and usage', () => {
  it('migrate has nothing to apply on a migrated database', async () => {
    const r = await stack.admin(['migrate', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ applied: [] });
  });

  it('prints help with every command and exits 0 for --help', async () => {
    const r = await stack.admin(['--help']);
    expect(r.code).toBe(0);
    for (const c of [
      'account create',
      'account list',
      'domain create',
      'domain list',
      'token create',
      'token revoke',
      'password reset',
      'migrate',
      'blobs collect',
    ]) {
      expect(r.stdout).toContain(c);
    }
  });

  // Usage errors stop before any connection, so these run side by side.
  it.concurrent.for([
    ['an unknown command', ['account', 'frobnicate']],
    ['a missing argument', ['account', 'create']],
    ['an unknown option', ['account', 'list', '--colour']],
    ['an option without its value', ['token', 'create', 'jack@example.com', '--name']],
    ['a bad --expires-days', ['token', 'create', 'jack@example.com', '--expires-days', 'soon']],
    ['a bad --now', ['blobs', 'collect', '--now', 'yesterday']],
  ] as Array<[string, string[]]>)('exits 2 with the usage for %s', async ([, args], { expect }) => {
    const r = await stack.admin(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage');
  });
});
