/**
 * Every limit of the core capability (RFC 8620 section 2) is advertised with its configured value and enforced
 * with the error the RFC names, against a gateway started with small limits.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  CORE_CAPABILITY,
  authorizationHeader,
  heldRequest,
  rawRequest,
  startTestStack,
  type HeldRequest,
  type JmapTestClient,
  type TestStack,
} from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CORE = CORE_CAPABILITY;
const MAIL = 'urn:ietf:params:jmap:mail';
const LIMITS = {
  MAX_CALLS_IN_REQUEST: 4,
  MAX_SIZE_REQUEST: 20_000,
  MAX_CONCURRENT_REQUESTS: 2,
  MAX_OBJECTS_IN_GET: 5,
  MAX_OBJECTS_IN_SET: 3,
  MAX_SIZE_UPLOAD: 65_536,
  MAX_CONCURRENT_UPLOAD: 2,
};

let stack: TestStack;
let alice: JmapTestClient;
let aliceAccount: string;
let auth: string;

beforeAll(async () => {
  stack = await startTestStack({
    env: Object.fromEntries(Object.entries(LIMITS).map(([k, v]) => [k, String(v)])),
  });
  aliceAccount = (await stack.createAccount('alice@example.com', 'alice-secret')).accountId;
  alice = stack.client({ email: 'alice@example.com', password: 'alice-secret' });
  auth = authorizationHeader(alice.credentials)!;
});

afterAll(async () => {
  await stack?.stop();
});

/** A Core/echo request of exactly `size` octets. */
function echoOfSize(size: number): string {
  const empty = JSON.stringify({ using: [CORE], methodCalls: [['Core/echo', { pad: '' }, 'c1']] });
  return JSON.stringify({
    using: [CORE],
    methodCalls: [['Core/echo', { pad: 'x'.repeat(size - empty.length) }, 'c1']],
  });
}

/** Polls `probe` until it returns a value `done` accepts; fails past the deadline with the last value. */
async function pollFor<T>(
  what: string,
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('core capability limits (RFC 8620 section 2)', () => {
  it('advertises every limit with the value the server was started with', async () => {
    const { body } = await alice.session();
    expect((body.capabilities as Record<string, unknown>)[CORE]).toEqual({
      maxSizeUpload: LIMITS.MAX_SIZE_UPLOAD,
      maxConcurrentUpload: LIMITS.MAX_CONCURRENT_UPLOAD,
      maxSizeRequest: LIMITS.MAX_SIZE_REQUEST,
      maxConcurrentRequests: LIMITS.MAX_CONCURRENT_REQUESTS,
      maxCallsInRequest: LIMITS.MAX_CALLS_IN_REQUEST,
      maxObjectsInGet: LIMITS.MAX_OBJECTS_IN_GET,
      maxObjectsInSet: LIMITS.MAX_OBJECTS_IN_SET,
      collationAlgorithms: expect.arrayContaining(['i;unicode-casemap']),
    });
  });

  it('rejects more method calls than maxCallsInRequest with 400 limit "maxCallsInRequest" (RFC 8620 section 3.6.1)', async () => {
    const calls = (n: number) =>
      Array.from(
        { length: n },
        (_, i) => ['Core/echo', {}, `c${i}`] as [string, Record<string, unknown>, string],
      );
    const over = await alice.api([CORE], calls(5));
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({
      type: 'urn:ietf:params:jmap:error:limit',
      limit: 'maxCallsInRequest',
      status: 400,
    });
    expect((await alice.api([CORE], calls(4))).status).toBe(200);
  });

  it('rejects a request body over maxSizeRequest with 400 limit "maxSizeRequest", and takes one of exactly that size', async () => {
    const headers = { authorization: auth, 'content-type': 'application/json' };
    const over = await rawRequest(`${stack.url}/jmap/api/`, {
      headers,
      body: echoOfSize(LIMITS.MAX_SIZE_REQUEST + 1),
    });
    expect(over.status).toBe(400);
    expect(JSON.parse(over.body.toString())).toMatchObject({
      type: 'urn:ietf:params:jmap:error:limit',
      limit: 'maxSizeRequest',
    });
    const exact = await rawRequest(`${stack.url}/jmap/api/`, {
      headers,
      body: echoOfSize(LIMITS.MAX_SIZE_REQUEST),
    });
    expect(exact.status).toBe(200);
  });

  it('rejects a request beyond maxConcurrentRequests in flight with 400 limit "maxConcurrentRequests"', async () => {
    // Two requests whose bodies are still arriving hold both slots.
    const held: HeldRequest[] = Array.from({ length: LIMITS.MAX_CONCURRENT_REQUESTS }, () =>
      heldRequest(`${stack.url}/jmap/api/`, {
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: echoOfSize(5000),
      }),
    );
    try {
      await Promise.all(held.map((h) => h.started));
      // The held requests are on the wire; wait until the gateway has given both a slot (its own gauge), so that
      // the probe below cannot overtake one of them and take its slot.
      await pollFor(
        'the held requests to take their slots',
        async () => (await fetch(`${stack.opsUrl('gateway')}/metrics`)).text(),
        (text) => new RegExp(`^jmap_api_requests_in_flight\\{[^}]*\\} ${LIMITS.MAX_CONCURRENT_REQUESTS}$`, 'm').test(text),
      );
      const rejected = await pollFor(
        'a rejected third request',
        () => alice.api([CORE], [['Core/echo', {}, 'c1']]),
        (r) => r.status !== 200,
      );
      expect(rejected.status).toBe(400);
      expect(rejected.body).toMatchObject({
        type: 'urn:ietf:params:jmap:error:limit',
        limit: 'maxConcurrentRequests',
      });
      const finished = await Promise.all(held.map((h) => h.finish()));
      expect(finished.map((f) => f.status)).toEqual([200, 200]);
    } finally {
      held.forEach((h) => h.abort());
    }
    // The slots are given back once the responses are sent.
    await pollFor(
      'a free slot',
      () => alice.api([CORE], [['Core/echo', {}, 'c1']]),
      (r) => r.status === 200,
    );
  });

  it('rejects a /get of more ids than maxObjectsInGet with requestTooLarge (RFC 8620 section 5.1)', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `Mnone${i}`);
    const over = await alice.api(
      [CORE, MAIL],
      [['Mailbox/get', { accountId: aliceAccount, ids: ids(6) }, 'c1']],
    );
    expect(over.body.methodResponses[0]).toEqual([
      'error',
      expect.objectContaining({ type: 'requestTooLarge' }),
      'c1',
    ]);
    const fits = await alice.call('Mailbox/get', { accountId: aliceAccount, ids: ids(5) }, [CORE, MAIL]);
    expect(fits.args.notFound).toHaveLength(5);
  });

  it('rejects a /set whose creates, updates and destroys together exceed maxObjectsInSet with requestTooLarge (RFC 8620 section 5.3)', async () => {
    const res = await alice.api(
      [CORE, MAIL],
      [
        [
          'Mailbox/set',
          {
            accountId: aliceAccount,
            create: { k1: { name: 'a' }, k2: { name: 'b' } },
            destroy: ['Mx', 'My'],
          },
          'c1',
        ],
      ],
    );
    expect(res.body.methodResponses[0]).toEqual([
      'error',
      expect.objectContaining({ type: 'requestTooLarge' }),
      'c1',
    ]);
  });

  it('rejects a Blob/copy of more blobs than maxObjectsInSet with requestTooLarge', async () => {
    const shared = await stack.createAccount('shared@example.com', 'shared-secret');
    const principal = await stack.db.query<{ id: string }>('SELECT id FROM principals WHERE email = $1', [
      'alice@example.com',
    ]);
    await stack.db.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [
      principal.rows[0].id,
      shared.accountId,
    ]);
    const blobIds = ['G1', 'G2', 'G3', 'G4'];
    const res = await alice.api(
      [CORE],
      [['Blob/copy', { fromAccountId: aliceAccount, accountId: shared.accountId, blobIds }, 'c1']],
    );
    expect(res.body.methodResponses[0]).toEqual([
      'error',
      expect.objectContaining({ type: 'requestTooLarge' }),
      'c1',
    ]);
  });

  it('rejects an upload over maxSizeUpload with 413 limit "maxSizeUpload" and stores nothing (RFC 8620 section 6.1)', async () => {
    const data = randomBytes(LIMITS.MAX_SIZE_UPLOAD + 1);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const res = await rawRequest(`${stack.url}/jmap/upload/${aliceAccount}/`, {
      headers: { authorization: auth, 'content-type': 'application/octet-stream' },
      body: data,
    });
    expect(res.status).toBe(413);
    expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.body.toString())).toMatchObject({
      type: 'urn:ietf:params:jmap:error:limit',
      limit: 'maxSizeUpload',
      status: 413,
    });
    const rows = await stack.db.query('SELECT 1 FROM blobs WHERE sha256 = $1', [sha256]);
    expect(rows.rowCount).toBe(0);
    expect((await stack.bucketObjects()).some((key) => key.endsWith(sha256))).toBe(false);
  });

  it('accepts an upload of exactly maxSizeUpload octets', async () => {
    const res = await alice.upload(
      aliceAccount,
      randomBytes(LIMITS.MAX_SIZE_UPLOAD),
      'application/octet-stream',
    );
    expect(res.status).toBe(201);
    expect(res.body.size).toBe(LIMITS.MAX_SIZE_UPLOAD);
  });

  it('rejects an upload beyond maxConcurrentUpload in flight with 400 limit "maxConcurrentUpload"', async () => {
    const held = Array.from({ length: LIMITS.MAX_CONCURRENT_UPLOAD }, () =>
      heldRequest(`${stack.url}/jmap/upload/${aliceAccount}/`, {
        headers: { authorization: auth, 'content-type': 'application/octet-stream' },
        body: randomBytes(4096),
      }),
    );
    try {
      await Promise.all(held.map((h) => h.started));
      // The held requests are on the wire; wait until the gateway has given both a slot (its own gauge), so that
      // the probe below cannot overtake one of them and take its slot.
      await pollFor(
        'the held uploads to take their slots',
        async () => (await fetch(`${stack.opsUrl('gateway')}/metrics`)).text(),
        (text) => new RegExp(`^jmap_uploads_in_flight\\{[^}]*\\} ${LIMITS.MAX_CONCURRENT_UPLOAD}$`, 'm').test(text),
      );
      const rejected = await pollFor(
        'a rejected upload',
        () => alice.upload(aliceAccount, 'x', 'text/plain'),
        (r) => r.status !== 201,
      );
      expect(rejected.status).toBe(400);
      expect(rejected.body).toMatchObject({
        type: 'urn:ietf:params:jmap:error:limit',
        limit: 'maxConcurrentUpload',
      });
      const finished = await Promise.all(held.map((h) => h.finish()));
      expect(finished.map((f) => f.status)).toEqual([201, 201]);
    } finally {
      held.forEach((h) => h.abort());
    }
    await pollFor(
      'a free upload slot',
      () => alice.upload(aliceAccount, 'y', 'text/plain'),
      (r) => r.status === 201,
    );
  });
});
