/**
 * Identity/get, Identity/changes and Identity/set (RFC 8621 section 6) through the real path: gateway → Kafka →
 * the identity handlers in the submission service → Postgres, read back from the read model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsRepository } from '@jmap/accounts';
import { startTestStack, type JmapTestClient, type TestStack } from '@jmap/testing';

const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:submission'];
type Args = Record<string, unknown>;

let stack: TestStack;
let client: JmapTestClient;
let accountId: string;
const EMAIL = 'ida@identity.example';

async function call(
  name: string,
  args: Args,
  as: { client: JmapTestClient; accountId: string } = { client, accountId },
): Promise<[string, Args]> {
  const res = await as.client.api(USING, [[name, { accountId: as.accountId, ...args }, 'c']]);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const [n, a] = res.body.methodResponses[0];
  return [n, a as Args];
}

async function ok(
  name: string,
  args: Args,
  as?: { client: JmapTestClient; accountId: string },
): Promise<Args> {
  const [n, a] = await call(name, args, as);
  expect(n, JSON.stringify(a)).toBe(name);
  return a;
}

beforeAll(async () => {
  stack = await startTestStack({ services: ['gateway', 'submission-service'] });
  ({ accountId } = await stack.createAccount(EMAIL, 'identity-e2e-password'));
  client = stack.client({ email: EMAIL, password: 'identity-e2e-password' });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('Identity (RFC 8621 6)', () => {
  let defaultId: string;

  it('the session advertises urn:ietf:params:jmap:submission for the account', async () => {
    const res = await client.session();
    expect(res.status).toBe(200);
    const session = res.body as {
      capabilities: Args;
      accounts: Record<string, { accountCapabilities: Args }>;
    };
    expect(session.capabilities).toHaveProperty(['urn:ietf:params:jmap:submission']);
    expect(session.accounts[accountId].accountCapabilities).toHaveProperty([
      'urn:ietf:params:jmap:submission',
    ]);
  });

  it('6.1: a provisioned account has its default identity, with the defaults and mayDelete false', async () => {
    const r = await ok('Identity/get', { ids: null });
    expect(r.list).toHaveLength(1);
    const [identity] = r.list as Args[];
    defaultId = identity.id as string;
    expect(identity).toEqual({
      id: defaultId,
      name: '',
      email: EMAIL,
      replyTo: null,
      bcc: null,
      textSignature: '',
      htmlSignature: '',
      mayDelete: false,
    });
    expect(r.notFound).toEqual([]);
    const some = await ok('Identity/get', { ids: [defaultId, 'Inope'], properties: ['email'] });
    expect(some.list).toEqual([{ id: defaultId, email: EMAIL }]);
    expect(some.notFound).toEqual(['Inope']);
  });

  it('6.3: create, update and destroy; /changes reports each (6.2)', async () => {
    const before = (await ok('Identity/get', { ids: [] })).state as string;
    const created = await ok('Identity/set', {
      ifInState: before,
      create: {
        work: {
          name: 'Ida at Work',
          email: 'IDA@identity.example',
          replyTo: [{ name: 'Desk', email: 'desk@identity.example' }],
          textSignature: '-- \nIda',
        },
      },
    });
    expect(created.oldState).toBe(before);
    const work = (created.created as Record<string, Args>).work;
    // RFC 8620 5.3: the server-set properties and the defaults not given.
    expect(work).toEqual({ id: expect.any(String), mayDelete: true, bcc: null, htmlSignature: '' });
    const id = work.id as string;
    const got = await ok('Identity/get', { ids: [id] });
    expect(got.state).toBe(created.newState);
    expect(got.list).toEqual([
      {
        id,
        name: 'Ida at Work',
        email: 'IDA@identity.example',
        replyTo: [{ name: 'Desk', email: 'desk@identity.example' }],
        bcc: null,
        textSignature: '-- \nIda',
        htmlSignature: '',
        mayDelete: true,
      },
    ]);
    const c1 = await ok('Identity/changes', { sinceState: before });
    expect(c1).toMatchObject({
      oldState: before,
      newState: created.newState,
      created: [id],
      updated: [],
      destroyed: [],
      hasMoreChanges: false,
    });

    const updated = await ok('Identity/set', {
      update: {
        [id]: { name: 'Ida (work)', bcc: [{ name: null, email: 'archive@identity.example' }], replyTo: null },
      },
    });
    expect(updated.updated).toEqual({ [id]: null });
    const after = ((await ok('Identity/get', { ids: [id] })).list as Args[])[0];
    expect(after).toMatchObject({
      name: 'Ida (work)',
      replyTo: null,
      bcc: [{ name: null, email: 'archive@identity.example' }],
    });
    const c2 = await ok('Identity/changes', { sinceState: created.newState });
    expect(c2).toMatchObject({ created: [], updated: [id], destroyed: [] });

    const destroyed = await ok('Identity/set', { destroy: [id] });
    expect(destroyed.destroyed).toEqual([id]);
    expect((await ok('Identity/get', { ids: [id] })).notFound).toEqual([id]);
    const c3 = await ok('Identity/changes', { sinceState: updated.newState });
    expect(c3).toMatchObject({ created: [], updated: [], destroyed: [id] });
    // Created and destroyed within the window: not reported at all (RFC 8620 5.2).
    const all = await ok('Identity/changes', { sinceState: before });
    expect(all).toMatchObject({ created: [], updated: [], destroyed: [] });
  });

  it('6.3 SetErrors: forbiddenFrom, invalidProperties, immutable email, notFound, forbidden (mayDelete false), invalidPatch; nothing changes', async () => {
    const state = (await ok('Identity/get', { ids: [] })).state as string;
    const r = await ok('Identity/set', {
      create: {
        other: { email: 'someone@elsewhere.example' },
        noEmail: { name: 'No address' },
        serverSet: { email: EMAIL, mayDelete: true },
        withId: { email: EMAIL, id: 'Ichosen' },
        badReplyTo: { email: EMAIL, replyTo: [{ email: 'not an address' }] },
        badName: { email: EMAIL, name: 42 },
        unknownProp: { email: EMAIL, colour: 'blue' },
      },
      update: {
        [defaultId]: { email: 'other@identity.example' },
        Imissing: { name: 'x' },
      },
      destroy: [defaultId, 'Igone'],
    });
    const nc = r.notCreated as Record<string, Args>;
    expect(nc.other.type).toBe('forbiddenFrom');
    expect(nc.noEmail).toMatchObject({ type: 'invalidProperties', properties: ['email'] });
    expect(nc.serverSet).toMatchObject({ type: 'invalidProperties', properties: ['mayDelete'] });
    expect(nc.withId).toMatchObject({ type: 'invalidProperties', properties: ['id'] });
    expect(nc.badReplyTo).toMatchObject({ type: 'invalidProperties', properties: ['replyTo'] });
    expect(nc.badName).toMatchObject({ type: 'invalidProperties', properties: ['name'] });
    expect(nc.unknownProp).toMatchObject({ type: 'invalidProperties', properties: ['colour'] });
    const nu = r.notUpdated as Record<string, Args>;
    // "email" is immutable (RFC 8621 6).
    expect(nu[defaultId]).toMatchObject({ type: 'invalidProperties', properties: ['email'] });
    expect(nu.Imissing.type).toBe('notFound');
    const nd = r.notDestroyed as Record<string, Args>;
    expect(nd[defaultId].type).toBe('forbidden');
    expect(nd.Igone.type).toBe('notFound');
    expect(r.created).toBeNull();
    expect(r.updated).toBeNull();
    expect(r.destroyed).toBeNull();
    expect(r.newState).toBe(state);

    const patch = await ok('Identity/set', {
      update: { [defaultId]: { 'replyTo/0/email': 'x@identity.example' } },
    });
    expect((patch.notUpdated as Record<string, Args>)[defaultId].type).toBe('invalidPatch');
    // Setting email to the value it has is not a change (RFC 8620 5.3 immutable properties).
    const same = await ok('Identity/set', {
      update: { [defaultId]: { email: EMAIL, textSignature: 'Ida' } },
    });
    expect(same.updated).toEqual({ [defaultId]: null });

    // ifInState that does not match: stateMismatch, nothing applied.
    const [name, err] = await call('Identity/set', { ifInState: '1', create: { x: { email: EMAIL } } });
    expect(name).toBe('error');
    expect(err.type).toBe('stateMismatch');
    const list = (await ok('Identity/get', { ids: null })).list as Args[];
    expect(list.map((i) => i.id)).toEqual([defaultId]);
    expect(list[0].textSignature).toBe('Ida');
  });

  it('6.3: several identities may share an address; "#creationId" references resolve in update and destroy', async () => {
    const res = await client.api(USING, [
      [
        'Identity/set',
        { accountId, create: { a: { email: EMAIL, name: 'A' }, b: { email: EMAIL, name: 'B' } } },
        '0',
      ],
      ['Identity/set', { accountId, update: { '#a': { name: 'A2' } }, destroy: ['#b'] }, '1'],
    ]);
    const [[, r0], [, r1]] = res.body.methodResponses as unknown as Array<[string, Args, string]>;
    const a = (r0.created as Record<string, Args>).a.id as string;
    const b = (r0.created as Record<string, Args>).b.id as string;
    expect(r1.updated).toEqual({ [a]: null });
    expect(r1.destroyed).toEqual([b]);
    const r2 = await ok('Identity/get', { ids: [a, b] });
    expect((r2.list as Args[]).map((i) => [i.id, i.name, i.email])).toEqual([[a, 'A2', EMAIL]]);
    expect(r2.notFound).toEqual([b]);
  });

  it('an account created before identities existed gets its default identity on first use, once', async () => {
    // Straight into the accounts tables: no provisioners run (as for an account from before this feature).
    const repo = new AccountsRepository(stack.db as never);
    const { accountId: legacyId } = await repo.createAccount({
      email: 'old@identity.example',
      password: 'legacy-password',
      name: 'Old Timer',
    });
    const legacy = {
      client: stack.client({ email: 'old@identity.example', password: 'legacy-password' }),
      accountId: legacyId,
    };
    const changes = await ok('Identity/changes', { sinceState: '0' }, legacy);
    expect((changes.created as string[]).length).toBe(1);
    const [r1, r2] = await Promise.all([
      ok('Identity/get', { ids: null }, legacy),
      ok('Identity/get', { ids: null }, legacy),
    ]);
    expect(r1.list).toEqual(r2.list);
    expect(r1.list).toEqual([
      expect.objectContaining({
        id: (changes.created as string[])[0],
        email: 'old@identity.example',
        name: 'Old Timer',
        mayDelete: false,
      }),
    ]);
  });
});
