/**
 * The API endpoint over HTTP against the gateway process (RFC 8620 section 3): request-level errors as problem
 * details, method-level errors in order, result references, createdIds, Core/echo and compressed responses.
 * The limits have their own file (limits.e2e.spec.ts).
 */
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import {
  CORE_CAPABILITY,
  authorizationHeader,
  rawRequest,
  startTestStack,
  type JmapTestClient,
  type TestStack,
} from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CORE = CORE_CAPABILITY;
const MAIL = 'urn:ietf:params:jmap:mail';

let stack: TestStack;
let alice: JmapTestClient;
let aliceAccount: string;
let bobAccount: string;
let archiveAccount: string;

beforeAll(async () => {
  // The mailbox service is here for the createdIds round trip, the one place a core test needs records created.
  stack = await startTestStack({ services: ['gateway', 'mailbox-service'] });
  const [a, b, archive] = await Promise.all([
    stack.createAccount('alice@example.com', 'alice-secret'),
    stack.createAccount('bob@example.com', 'bob-secret'),
    stack.createAccount('archive@example.com', 'archive-secret'),
  ]);
  aliceAccount = a.accountId;
  bobAccount = b.accountId;
  archiveAccount = archive.accountId;
  // Alice may read the archive account but not change it.
  await stack.db.query(
    'INSERT INTO account_access (principal_id, account_id, is_read_only) VALUES ($1, $2, true)',
    [a.principalId, archiveAccount],
  );
  alice = stack.client({ email: 'alice@example.com', password: 'alice-secret' });
});

afterAll(async () => {
  await stack?.stop();
});

const mediaType = (headers: Headers) => String(headers.get('content-type')).split(';')[0];

const errorOf = (
  res: { body: { methodResponses: Array<[string, Record<string, unknown>, string]> } },
  i = 0,
) => {
  const [name, args] = res.body.methodResponses[i];
  expect(name).toBe('error');
  return args.type;
};

describe('request-level errors (RFC 8620 section 3.6.1)', () => {
  it('answers a body that does not parse as JSON with 400 notJSON as application/problem+json', async () => {
    const res = await alice.rawApi('{"using": [');
    expect(res.status).toBe(400);
    expect(mediaType(res.headers)).toBe('application/problem+json');
    expect(res.body).toMatchObject({ type: 'urn:ietf:params:jmap:error:notJSON', status: 400 });
  });

  it('answers a request whose Content-Type is not application/json with 415 notJSON (clarification Q2)', async () => {
    const res = await alice.rawApi(
      { using: [CORE], methodCalls: [] },
      { headers: { 'content-type': 'text/plain' } },
    );
    expect(res.status).toBe(415);
    expect(mediaType(res.headers)).toBe('application/problem+json');
    expect(res.body).toMatchObject({ type: 'urn:ietf:params:jmap:error:notJSON', status: 415 });
  });

  it('answers a body that is not well-formed UTF-8 with 400 notJSON, since it is not I-JSON (RFC 8620 section 1.5)', async () => {
    const body = Buffer.concat([
      Buffer.from(`{"using":["${CORE}"],"methodCalls":[["Core/echo",{"s":"`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"},"c1"]]}'),
    ]);
    const res = await alice.rawApi(new Uint8Array(body));
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('urn:ietf:params:jmap:error:notJSON');
  });

  it('answers JSON that is not a Request object with 400 notRequest (clarification Q1)', async () => {
    const res = await alice.rawApi({ foo: 'bar' });
    expect(res.status).toBe(400);
    expect(mediaType(res.headers)).toBe('application/problem+json');
    expect(res.body).toMatchObject({ type: 'urn:ietf:params:jmap:error:notRequest', status: 400 });
  });

  it('answers a Request with a malformed Invocation with 400 notRequest (RFC 8620 section 3.2)', async () => {
    const res = await alice.rawApi({ using: [CORE], methodCalls: [['Core/echo', {}]] });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('urn:ietf:params:jmap:error:notRequest');
  });

  it('answers a capability the server does not support with 400 unknownCapability at the HTTP level (clarification Q3)', async () => {
    const res = await alice.api([CORE, 'https://example.com/apis/foobar'], [['Core/echo', {}, 'c1']]);
    expect(res.status).toBe(400);
    expect(mediaType(res.headers)).toBe('application/problem+json');
    expect(res.body).toMatchObject({ type: 'urn:ietf:params:jmap:error:unknownCapability', status: 400 });
    expect(String(res.body.detail)).toContain('https://example.com/apis/foobar');
  });
});

describe('method-level errors (RFC 8620 section 3.6.2)', () => {
  it('answers unknownMethod for a method no capability defines', async () => {
    const res = await alice.api([CORE], [['Foo/bar', {}, 'c1']]);
    expect(res.status).toBe(200);
    expect(res.body.methodResponses).toEqual([
      ['error', expect.objectContaining({ type: 'unknownMethod' }), 'c1'],
    ]);
  });

  it('answers unknownMethod for a method whose capability the request did not opt into (RFC 8620 section 1.8)', async () => {
    const res = await alice.api([CORE], [['Mailbox/get', { accountId: aliceAccount }, 'c1']]);
    expect(errorOf(res)).toBe('unknownMethod');
  });

  it('answers unknownMethod for every call of a request with an empty using (clarification Q4)', async () => {
    const res = await alice.api(
      [],
      [
        ['Core/echo', { a: 1 }, 'c1'],
        ['Blob/copy', {}, 'c2'],
      ],
    );
    expect(res.status).toBe(200);
    expect(res.body.methodResponses.map(([n, a, id]) => [n, a.type, id])).toEqual([
      ['error', 'unknownMethod', 'c1'],
      ['error', 'unknownMethod', 'c2'],
    ]);
  });

  it('answers invalidArguments for an argument of the wrong type (RFC 8620 section 3.9)', async () => {
    const res = await alice.api(
      [CORE],
      [['Blob/copy', { fromAccountId: archiveAccount, accountId: aliceAccount, blobIds: 'G1' }, 'c1']],
    );
    expect(errorOf(res)).toBe('invalidArguments');
  });

  it('answers invalidArguments for a missing accountId instead of using the primary account (clarification Q5)', async () => {
    const res = await alice.api([CORE, MAIL], [['Mailbox/get', { ids: null }, 'c1']]);
    expect(errorOf(res)).toBe('invalidArguments');
  });

  it('answers invalidArguments when an argument is given both as "foo" and as "#foo" (RFC 8620 section 3.7)', async () => {
    const res = await alice.api(
      [CORE],
      [
        ['Core/echo', { list: [1] }, 'c1'],
        ['Core/echo', { foo: 1, '#foo': { resultOf: 'c1', name: 'Core/echo', path: '/list' } }, 'c2'],
      ],
    );
    expect(errorOf(res, 1)).toBe('invalidArguments');
  });

  it("answers accountNotFound for another principal's account, exactly as for an account that does not exist (invariant 7)", async () => {
    const foreign = await alice.api(
      [CORE, MAIL],
      [['Mailbox/get', { accountId: bobAccount, ids: null }, 'c1']],
    );
    const missing = await alice.api(
      [CORE, MAIL],
      [['Mailbox/get', { accountId: 'anosuchaccount', ids: null }, 'c1']],
    );
    expect(foreign.body.methodResponses[0]).toEqual(['error', { type: 'accountNotFound' }, 'c1']);
    expect(missing.body.methodResponses[0]).toEqual(foreign.body.methodResponses[0]);
  });

  it("answers fromAccountNotFound for a Blob/copy out of another principal's account (RFC 8620 section 6.3)", async () => {
    const res = await alice.api(
      [CORE],
      [['Blob/copy', { fromAccountId: bobAccount, accountId: aliceAccount, blobIds: ['G0'] }, 'c1']],
    );
    expect(errorOf(res)).toBe('fromAccountNotFound');
  });

  it("answers accountNotFound for a Blob/copy into another principal's account", async () => {
    const res = await alice.api(
      [CORE],
      [['Blob/copy', { fromAccountId: aliceAccount, accountId: bobAccount, blobIds: ['G0'] }, 'c1']],
    );
    expect(errorOf(res)).toBe('accountNotFound');
  });

  it('answers accountReadOnly for a write to an account the principal may only read', async () => {
    const res = await alice.api(
      [CORE],
      [['Blob/copy', { fromAccountId: aliceAccount, accountId: archiveAccount, blobIds: ['G0'] }, 'c1']],
    );
    expect(errorOf(res)).toBe('accountReadOnly');
  });
});

describe('processing (RFC 8620 sections 3.4, 3.7 and 3.10)', () => {
  it('processes calls in order and answers every call after a failed one', async () => {
    const res = await alice.api(
      [CORE],
      [
        ['Core/echo', { n: 1 }, 'c1'],
        ['Foo/bar', {}, 'c2'],
        ['Blob/copy', {}, 'c3'],
        ['Core/echo', { n: 4 }, 'c4'],
      ],
    );
    expect(res.body.methodResponses.map(([n, a, id]) => [n, n === 'error' ? a.type : a, id])).toEqual([
      ['Core/echo', { n: 1 }, 'c1'],
      ['error', 'unknownMethod', 'c2'],
      ['error', 'invalidArguments', 'c3'],
      ['Core/echo', { n: 4 }, 'c4'],
    ]);
  });

  it('Core/echo returns exactly the arguments it was given (RFC 8620 section 4)', async () => {
    const args = {
      hello: true,
      high: 5,
      nested: { list: [1, 'two', null, { deep: [] }] },
      text: 'Grüße 🎉',
      empty: {},
    };
    const res = await alice.api([CORE], [['Core/echo', args, 'b3ff']]);
    expect(res.body.methodResponses).toEqual([['Core/echo', args, 'b3ff']]);
  });

  it('resolves result references, mapping "*" through arrays and flattening arrays of arrays', async () => {
    const threads = {
      list: [
        { id: 'trd194', emailIds: ['msg1020', 'msg1021', 'msg1023'] },
        { id: 'trd114', emailIds: ['msg201', 'msg223'] },
      ],
    };
    const res = await alice.api(
      [CORE],
      [
        ['Core/echo', threads, 't2'],
        [
          'Core/echo',
          {
            '#ids': { resultOf: 't2', name: 'Core/echo', path: '/list/*/emailIds' },
            '#threadIds': { resultOf: 't2', name: 'Core/echo', path: '/list/*/id' },
            '#first': { resultOf: 't2', name: 'Core/echo', path: '/list/0/emailIds/2' },
          },
          't3',
        ],
      ],
    );
    expect(res.body.methodResponses[1]).toEqual([
      'Core/echo',
      {
        ids: ['msg1020', 'msg1021', 'msg1023', 'msg201', 'msg223'],
        threadIds: ['trd194', 'trd114'],
        first: 'msg1023',
      },
      't3',
    ]);
  });

  it('answers invalidResultReference for a reference that does not resolve, and goes on with the next call', async () => {
    const res = await alice.api(
      [CORE],
      [
        ['Core/echo', { list: [{ id: 'a' }] }, 'c1'],
        ['Core/echo', { '#ids': { resultOf: 'nope', name: 'Core/echo', path: '/list' } }, 'c2'],
        ['Core/echo', { '#ids': { resultOf: 'c1', name: 'Foo/get', path: '/list' } }, 'c3'],
        ['Core/echo', { '#ids': { resultOf: 'c1', name: 'Core/echo', path: '/list/*/missing' } }, 'c4'],
        ['Core/echo', { ok: true }, 'c5'],
      ],
    );
    expect(
      res.body.methodResponses.slice(1).map(([n, a, id]) => [n, n === 'error' ? a.type : a, id]),
    ).toEqual([
      ['error', 'invalidResultReference', 'c2'],
      ['error', 'invalidResultReference', 'c3'],
      ['error', 'invalidResultReference', 'c4'],
      ['Core/echo', { ok: true }, 'c5'],
    ]);
  });

  it('returns createdIds only when the request sent them (RFC 8620 section 3.4)', async () => {
    const without = await alice.api([CORE], [['Core/echo', {}, 'c1']]);
    expect(without.body).not.toHaveProperty('createdIds');
    const withIds = await alice.api([CORE], [['Core/echo', {}, 'c1']], { k9: 'Xabc' });
    expect(withIds.body.createdIds).toEqual({ k9: 'Xabc' });
  });

  it('round-trips createdIds: ids created in one request resolve "#id" references in the next (RFC 8620 sections 3.3 and 5.8)', async () => {
    const first = await alice.api(
      [CORE, MAIL],
      [['Mailbox/set', { accountId: aliceAccount, create: { k1: { name: 'Projects' } } }, 'c1']],
      {},
    );
    expect(first.status).toBe(200);
    const created = first.body.methodResponses[0][1].created as Record<string, { id: string }>;
    const id = created.k1.id;
    expect(first.body.createdIds).toEqual({ k1: id });

    const second = await alice.api(
      [CORE, MAIL],
      [['Mailbox/set', { accountId: aliceAccount, update: { '#k1': { name: 'Projects 2025' } } }, 'c1']],
      { ...first.body.createdIds, other: 'Xunrelated' },
    );
    expect(second.body.methodResponses[0][1].updated).toEqual({ [id]: null });
    expect(second.body.createdIds).toEqual({ k1: id, other: 'Xunrelated' });
    const check = await alice.call(
      'Mailbox/get',
      { accountId: aliceAccount, ids: [id], properties: ['name'] },
      [CORE, MAIL],
    );
    expect(check.args.list).toEqual([{ id, name: 'Projects 2025' }]);
  });

  it('carries the Session state as sessionState (RFC 8620 section 3.4)', async () => {
    const [session, res] = await Promise.all([alice.session(), alice.api([CORE], [])]);
    expect(res.body.sessionState).toBe(session.body.state);
  });
});

describe('compression', () => {
  const bigEcho = JSON.stringify({
    using: [CORE],
    methodCalls: [['Core/echo', { text: 'jmap '.repeat(2000) }, 'c1']],
  });
  const headers = (encoding: string) => ({
    authorization: authorizationHeader({ email: 'alice@example.com', password: 'alice-secret' })!,
    'content-type': 'application/json',
    'accept-encoding': encoding,
  });

  it('sends a gzip-encoded response to a client that accepts gzip', async () => {
    const res = await rawRequest(`${stack.url}/jmap/api/`, { headers: headers('gzip'), body: bigEcho });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.body.length).toBeLessThan(2000);
    expect(JSON.parse(gunzipSync(res.body).toString()).methodResponses[0][1].text).toHaveLength(10_000);
  });

  it('sends a brotli-encoded response to a client that prefers br', async () => {
    const res = await rawRequest(`${stack.url}/jmap/api/`, {
      headers: headers('br, gzip;q=0.5'),
      body: bigEcho,
    });
    expect(res.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(res.body).toString()).methodResponses[0][1].text).toHaveLength(
      10_000,
    );
  });

  it('sends the response unencoded to a client that accepts no encoding', async () => {
    const res = await rawRequest(`${stack.url}/jmap/api/`, { headers: headers('identity'), body: bigEcho });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(res.body.toString()).methodResponses[0][0]).toBe('Core/echo');
  });
});
