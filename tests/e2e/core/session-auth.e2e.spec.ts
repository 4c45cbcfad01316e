/**
 * The Session resource (RFC 8620 section 2) and authentication at the gateway: Basic and Bearer credentials,
 * 401 with WWW-Authenticate, and the failed-login rate limit per principal and per client address (429).
 * The gateway trusts X-Forwarded-For here so that each test can come from its own client address.
 */
import {
  CORE_CAPABILITY,
  shareUnannounced,
  startTestStack,
  type JmapTestClient,
  type TestStack,
} from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CORE = CORE_CAPABILITY;
const MAIL = 'urn:ietf:params:jmap:mail';
const FAILURES_ALLOWED = 3;

let stack: TestStack;
let alice: JmapTestClient;
let aliceAccount: { accountId: string; principalId: string };
let nextAddress = 1;
/** A client address of its own for a test (the rate limit counts failures per address). */
const freshAddress = () => `198.51.100.${nextAddress++}`;

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      TRUST_PROXY: 'true',
      AUTH_FAILURES_PER_WINDOW: String(FAILURES_ALLOWED),
      AUTH_FAILURE_WINDOW_SECONDS: '3600',
    },
  });
  aliceAccount = await stack.createAccount('alice@example.com', 'alice-secret');
  await Promise.all([
    stack.createAccount('bob@example.com', 'bob-secret'),
    stack.createAccount('carol@example.com', 'carol-secret'),
    stack.createAccount('dave@example.com', 'dave-secret'),
  ]);
  alice = stack.client({ email: 'alice@example.com', password: 'alice-secret' });
});

afterAll(async () => {
  await stack?.stop();
});

const basic = (email: string, password: string) =>
  `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`;

async function sessionStatus(authorization: string | null, address = freshAddress()): Promise<Response> {
  const headers: Record<string, string> = { 'x-forwarded-for': address };
  if (authorization) headers.authorization = authorization;
  return fetch(`${stack.url}/jmap/session`, { headers });
}

describe('the Session resource (RFC 8620 section 2)', () => {
  it('redirects /.well-known/jmap to the Session resource (RFC 8620 section 2.2)', async () => {
    const res = await alice.fetch('/.well-known/jmap');
    expect([301, 302, 307, 308]).toContain(res.status);
    expect(res.headers.get('location')).toBe(`${stack.url}/jmap/session`);
  });

  it('has every property of the Session object with the core capability and all its limits', async () => {
    const { status, body } = await alice.session();
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(
      [
        'accounts',
        'apiUrl',
        'capabilities',
        'downloadUrl',
        'eventSourceUrl',
        'primaryAccounts',
        'state',
        'uploadUrl',
        'username',
      ].sort(),
    );
    const core = (body.capabilities as Record<string, Record<string, unknown>>)[CORE];
    for (const limit of [
      'maxSizeUpload',
      'maxConcurrentUpload',
      'maxSizeRequest',
      'maxConcurrentRequests',
      'maxCallsInRequest',
      'maxObjectsInGet',
      'maxObjectsInSet',
    ]) {
      expect(Number.isSafeInteger(core[limit]) && (core[limit] as number) > 0, limit).toBe(true);
    }
    expect(core.collationAlgorithms).toEqual(expect.arrayContaining(['i;unicode-casemap']));
    expect(body.username).toBe('alice@example.com');
    expect(typeof body.state).toBe('string');
  });

  it('lists the accounts the principal may use with name, isPersonal, isReadOnly and accountCapabilities', async () => {
    const { body } = await alice.session();
    expect(body.accounts).toEqual({
      [aliceAccount.accountId]: {
        name: 'alice@example.com',
        isPersonal: true,
        isReadOnly: false,
        accountCapabilities: expect.objectContaining({ [CORE]: {}, [MAIL]: expect.any(Object) }),
      },
    });
  });

  it('names the primary account per capability, without urn:ietf:params:jmap:core', async () => {
    const { body } = await alice.session();
    // RFC 8620 2: one entry per capability of accountCapabilities (mail, submission, vacationresponse ...),
    // but not core, which "SHOULD NOT be present".
    const accounts = body.accounts as Record<string, { accountCapabilities: Record<string, unknown> }>;
    const capabilities = Object.keys(accounts[aliceAccount.accountId].accountCapabilities).filter(
      (c) => c !== 'urn:ietf:params:jmap:core',
    );
    expect(capabilities).toEqual(expect.arrayContaining([MAIL, 'urn:ietf:params:jmap:submission']));
    expect(body.primaryAccounts).toEqual(
      Object.fromEntries(capabilities.map((c) => [c, aliceAccount.accountId])),
    );
    expect(body.primaryAccounts).not.toHaveProperty(['urn:ietf:params:jmap:core']);
  });

  it('gives absolute URL templates with the variables the RFC requires', async () => {
    const { body } = await alice.session();
    expect(body.apiUrl).toBe(`${stack.url}/jmap/api/`);
    expect(body.uploadUrl).toBe(`${stack.url}/jmap/upload/{accountId}/`);
    for (const v of ['{accountId}', '{blobId}', '{type}', '{name}']) expect(body.downloadUrl).toContain(v);
    for (const v of ['{types}', '{closeafter}', '{ping}']) expect(body.eventSourceUrl).toContain(v);
    // The template filled in reaches the download route (a 404 for a blob that does not exist, not a 405 or a route miss).
    const url = String(body.downloadUrl)
      .replace('{accountId}', aliceAccount.accountId)
      .replace('{blobId}', `G${'0'.repeat(64)}`)
      .replace('{name}', 'x')
      .replace('{type}', 'text%2Fplain');
    expect((await alice.fetch(url.slice(stack.url.length))).status).toBe(404);
  });

  it('is not cached by HTTP caches', async () => {
    const { headers } = await alice.session();
    expect(headers.get('cache-control')).toContain('no-store');
  });

  it("changes its state when the principal's accounts change, and API responses carry the new state (RFC 8620 section 3.4)", async () => {
    const before = (await alice.session()).body.state;
    const shared = await stack.createAccount('shared@example.com', 'shared-secret');
    await stack.db.query(
      'INSERT INTO account_access (principal_id, account_id, is_read_only) VALUES ($1, $2, true)',
      [aliceAccount.principalId, shared.accountId],
    );
    const after = await alice.session();
    expect(after.body.state).not.toBe(before);
    expect(
      (after.body.accounts as Record<string, { isPersonal: boolean; isReadOnly: boolean }>)[shared.accountId],
    ).toMatchObject({
      isPersonal: false,
      isReadOnly: true,
    });
    expect((await alice.api([CORE], [])).body.sessionState).toBe(after.body.state);
  });
});

describe('authentication', () => {
  it('answers a request without credentials with 401 and a WWW-Authenticate offering Basic and Bearer', async () => {
    const res = await sessionStatus(null);
    expect(res.status).toBe(401);
    const challenge = String(res.headers.get('www-authenticate'));
    expect(challenge).toMatch(/Basic realm=/);
    expect(challenge).toMatch(/Bearer realm=/);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('accepts Basic credentials of the account', async () => {
    expect((await sessionStatus(basic('alice@example.com', 'alice-secret'))).status).toBe(200);
  });

  it('accepts the email address in any case', async () => {
    expect((await sessionStatus(basic('Alice@Example.COM', 'alice-secret'))).status).toBe(200);
  });

  it('answers a wrong password with 401 and WWW-Authenticate', async () => {
    const res = await sessionStatus(basic('alice@example.com', 'not-the-password'));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Basic');
  });

  it('answers an unknown user exactly like a wrong password', async () => {
    const unknown = await sessionStatus(basic('nobody@example.com', 'whatever'));
    const wrong = await sessionStatus(basic('bob@example.com', 'wrong'));
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(await unknown.text()).toBe(await wrong.text());
  });

  it('accepts a Bearer API token and rejects a malformed or unknown one', async () => {
    const created = await stack.admin(['token', 'create', 'carol@example.com', '--name', 'e2e', '--json']);
    expect(created.code).toBe(0);
    const { token } = JSON.parse(created.stdout) as { token: string };
    const ok = await sessionStatus(`Bearer ${token}`);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { username: string }).username).toBe('carol@example.com');
    expect((await sessionStatus('Bearer not-a-token')).status).toBe(401);
    expect(
      (await sessionStatus(`Bearer ${token.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a'))}`)).status,
    ).toBe(401);
  });

  it('answers an authentication scheme it does not support with 401', async () => {
    expect((await sessionStatus('Digest username="alice"')).status).toBe(401);
  });

  it('protects the API endpoint the same way', async () => {
    const res = await alice.as({ email: 'alice@example.com', password: 'wrong' }).api([CORE], []);
    expect(res.status).toBe(401);
  });
});

describe('remembered logins (ADR 0011)', () => {
  const mailboxGet = (client: JmapTestClient, accountId: string) =>
    client.api([CORE, MAIL], [['Mailbox/get', { accountId, ids: null, properties: ['role'] }, 'm']]);
  const responseName = (res: {
    body: { methodResponses: Array<[string, Record<string, unknown>, string]> };
  }) =>
    res.body.methodResponses[0][0] === 'error'
      ? String(res.body.methodResponses[0][1].type)
      : res.body.methodResponses[0][0];
  async function until<T>(what: string, probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await probe();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('reports that the gateway listens for access changes', async () => {
    const text = await (await fetch(`${stack.opsUrl('gateway')}/metrics`)).text();
    expect(text).toMatch(/^jmap_access_listening\{[^}]*\} 1$/m);
  });

  it('answers a request for an account shared a moment ago, and refuses it once the share is removed', async () => {
    const erin = await stack.createAccount('erin@example.com', 'erin-secret');
    const project = await stack.createAccount('project@example.com', 'project-secret');
    const client = alice.as({ email: 'erin@example.com', password: 'erin-secret' });
    // The second request and later ones are answered with the login held in memory.
    for (let i = 0; i < 3; i++)
      expect(responseName(await mailboxGet(client, erin.accountId))).toBe('Mailbox/get');
    // Unannounced (as while its notification is on the way): an account the remembered login lacks is looked up.
    await shareUnannounced(stack.db, erin.principalId, project.accountId);
    expect(responseName(await mailboxGet(client, project.accountId))).toBe('Mailbox/get');
    await stack.db.query('DELETE FROM account_access WHERE principal_id = $1 AND account_id = $2', [
      erin.principalId,
      project.accountId,
    ]);
    await until(
      'the removed share is refused',
      () => mailboxGet(client, project.accountId),
      (r) => responseName(r) === 'accountNotFound',
    );
    expect(responseName(await mailboxGet(client, erin.accountId))).toBe('Mailbox/get');
  });

  it('refuses a remembered login once its principal is disabled', async () => {
    await stack.createAccount('frank@example.com', 'frank-secret');
    const login = basic('frank@example.com', 'frank-secret');
    const address = freshAddress();
    for (let i = 0; i < 3; i++) expect((await sessionStatus(login, address)).status).toBe(200);
    const api = () =>
      fetch(`${stack.url}/jmap/api`, {
        method: 'POST',
        headers: { authorization: login, 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({ using: [CORE], methodCalls: [['Core/echo', {}, 'e']] }),
      });
    for (let i = 0; i < 3; i++) expect((await api()).status).toBe(200);
    await stack.db.query("UPDATE principals SET disabled = true WHERE email = 'frank@example.com'");
    await until(
      'the disabled principal is refused',
      async () => (await api()).status,
      (status) => status === 401,
    );
    expect((await sessionStatus(login, address)).status).toBe(401);
  });
});

describe('failed-login rate limit', () => {
  it('answers 429 with Retry-After for a principal after repeated failures, from any address, even with the right password', async () => {
    // dave is used by no other test, so these are his only failures.
    for (let i = 0; i < FAILURES_ALLOWED; i++)
      expect((await sessionStatus(basic('dave@example.com', `guess-${i}`))).status).toBe(401);
    const limited = await sessionStatus(basic('dave@example.com', 'guess-again'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await sessionStatus(basic('dave@example.com', 'dave-secret'))).status).toBe(429);
  });

  it('answers 429 to a client address after repeated failures, whichever principal it tries next', async () => {
    const address = freshAddress();
    for (let i = 0; i < FAILURES_ALLOWED; i++) {
      expect((await sessionStatus(basic(`stranger${i}@example.com`, 'guess'), address)).status).toBe(401);
    }
    expect((await sessionStatus(basic('carol@example.com', 'carol-secret'), address)).status).toBe(429);
    // Other addresses are not affected.
    expect((await sessionStatus(basic('carol@example.com', 'carol-secret'))).status).toBe(200);
  });
});
