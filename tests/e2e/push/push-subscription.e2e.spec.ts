/**
 * PushSubscription (RFC 8620 section 7.2) through the running services: the gateway stores it, the push service
 * POSTs the PushVerification and, once the client has set the code, RFC 8291-encrypted StateChanges (RFC 8030
 * headers) to a receiver this test runs; the test decrypts them with the private key it generated. URLs that
 * resolve to loopback or private addresses are refused unless the operator's allow-list names the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decryptPush,
  generatePushKeys,
  sleep,
  startPushReceiver,
  startTestStack,
  type JmapTestClient,
  type PushReceiver,
  type TestStack,
} from '@jmap/testing';

const CORE = 'urn:ietf:params:jmap:core';
const USING = [CORE, 'urn:ietf:params:jmap:mail'];
const USER = { email: 'push-user@example.com', password: 'push-user-password' };
let stack: TestStack;
let client: JmapTestClient;
let accountId: string;
let receiver: PushReceiver;

type Args = Record<string, unknown>;

async function call(name: string, args: Args): Promise<[string, Args]> {
  const res = await client.api([CORE], [[name, args, 'c']]);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return [res.body.methodResponses[0][0], res.body.methodResponses[0][1]];
}

async function createMailbox(name: string): Promise<string> {
  const res = await client.api(USING, [['Mailbox/set', { accountId, create: { m: { name } } }, 'c']]);
  return (res.body.methodResponses[0][1] as { newState: string }).newState;
}

beforeAll(async () => {
  receiver = await startPushReceiver();
  stack = await startTestStack({
    services: ['gateway', 'mailbox-service', 'push-service'],
    env: { PUSH_ALLOWED_HOSTS: '127.0.0.1', PUSH_RETRY_BASE_MS: '50', PUSH_DELIVERY_ATTEMPTS: '3', PUSH_MAX_SUBSCRIPTIONS: '4' },
  });
  ({ accountId } = await stack.createAccount(USER.email, USER.password));
  client = stack.client(USER);
});

afterAll(async () => {
  await stack?.stop();
  await receiver?.close();
});

describe('PushSubscription (RFC 8620 section 7.2)', () => {
  it('verifies a subscription, then POSTs encrypted StateChanges with TTL and Urgency', async () => {
    const subscriber = generatePushKeys();
    const from = receiver.received.all.length;
    const [name, set] = await call('PushSubscription/set', {
      create: { k: { deviceClientId: 'device-1', url: `${receiver.url}/push/1`, keys: subscriber.keys, types: null } },
    });
    expect(name).toBe('PushSubscription/set');
    const created = (set.created as Record<string, Args>).k;
    expect(created).toMatchObject({ id: expect.any(String), expires: expect.any(String) });
    expect(set).not.toHaveProperty('accountId');
    const id = created.id as string;
    // The server limits the lifetime (7 days by default) when the client names none.
    expect(Date.parse(created.expires as string)).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    const verification = await receiver.received.next((p) => p.path === '/push/1', 10_000, from);
    expect(verification.headers['content-encoding']).toBe('aes128gcm');
    expect(Number(verification.headers.ttl)).toBeGreaterThan(0);
    const body = JSON.parse(decryptPush(verification.body, subscriber).toString('utf8')) as Args;
    expect(body).toMatchObject({ '@type': 'PushVerification', pushSubscriptionId: id, verificationCode: expect.any(String) });

    // Nothing is pushed before the client proves it received the code; a wrong code is invalidProperties.
    await createMailbox('Before verification');
    await sleep(1000);
    expect(receiver.received.all.length).toBe(from + 1);
    const [, wrong] = await call('PushSubscription/set', { update: { [id]: { verificationCode: 'guess' } } });
    expect((wrong.notUpdated as Record<string, Args>)[id]).toMatchObject({ type: 'invalidProperties', properties: ['verificationCode'] });
    const [, ok] = await call('PushSubscription/set', { update: { [id]: { verificationCode: body.verificationCode } } });
    expect(ok.updated).toEqual({ [id]: null });

    const state = await createMailbox('After verification');
    const push = await receiver.received.next((p) => p.path === '/push/1', 10_000, from + 1);
    expect(push.headers).toMatchObject({ 'content-encoding': 'aes128gcm', urgency: 'normal', 'content-type': 'application/octet-stream' });
    expect(push.headers.ttl).toBe('3600');
    const change = JSON.parse(decryptPush(push.body, subscriber).toString('utf8')) as Args;
    expect(change).toEqual({ '@type': 'StateChange', changed: { [accountId]: { Mailbox: state } } });
    // The body is not readable without the keys.
    expect(push.body.toString('latin1')).not.toContain('StateChange');

    const [, got] = await call('PushSubscription/get', { ids: null });
    expect(got.list).toEqual([{ id, deviceClientId: 'device-1', verificationCode: body.verificationCode, expires: created.expires, types: null }]);
    expect(got).not.toHaveProperty('state');
    const [errName, forbidden] = await call('PushSubscription/get', { ids: null, properties: ['url'] });
    expect([errName, forbidden.type]).toEqual(['error', 'forbidden']);

    const [, destroyed] = await call('PushSubscription/set', { destroy: [id] });
    expect(destroyed.destroyed).toEqual([id]);
  });

  it('sends only the subscribed types, unencrypted JSON when the subscription has no keys', async () => {
    const from = receiver.received.all.length;
    const [, set] = await call('PushSubscription/set', {
      create: { t: { deviceClientId: 'device-2', url: `${receiver.url}/push/2`, types: ['Email'] } },
    });
    const id = ((set.created as Record<string, Args>).t.id as string) ?? '';
    const verification = await receiver.received.next((p) => p.path === '/push/2', 10_000, from);
    expect(verification.headers['content-type']).toBe('application/json');
    const { verificationCode } = JSON.parse(verification.body.toString('utf8')) as { verificationCode: string };
    await call('PushSubscription/set', { update: { [id]: { verificationCode } } });
    await createMailbox('Not an Email change');
    await sleep(1500);
    expect(receiver.received.all.filter((p) => p.path === '/push/2')).toHaveLength(1);
    await call('PushSubscription/set', { update: { [id]: { types: ['Mailbox'] } } });
    const state = await createMailbox('A Mailbox change');
    const push = await receiver.received.next((p) => p.path === '/push/2', 10_000, from + 1);
    expect(JSON.parse(push.body.toString('utf8'))).toEqual({ '@type': 'StateChange', changed: { [accountId]: { Mailbox: state } } });
    await call('PushSubscription/set', { destroy: [id] });
  });

  it('refuses URLs that reach loopback, private or link-local addresses unless the host is allow-listed, and plain http', async () => {
    const port = new URL(receiver.url).port;
    const refused = [
      `http://localhost:${port}/push`,
      'https://localhost/push',
      'https://127.0.0.2/push',
      'https://[::1]/push',
      'https://10.1.2.3/push',
      'https://169.254.169.254/latest/meta-data',
      'https://[::ffff:127.0.0.1]/push',
      'ftp://example.com/push',
    ];
    const create = Object.fromEntries(refused.map((url, i) => [`r${i}`, { deviceClientId: 'device-3', url }]));
    const [, set] = await call('PushSubscription/set', { create });
    expect(set.created).toBeNull();
    for (const key of Object.keys(create)) {
      expect((set.notCreated as Record<string, Args>)[key], refused[Number(key.slice(1))]).toMatchObject({
        type: 'invalidProperties',
        properties: ['url'],
      });
    }
    const [, list] = await call('PushSubscription/get', { ids: null });
    expect(list.list).toEqual([]);
  });

  it('limits the subscriptions per user and rejects bad properties', async () => {
    const [, set] = await call('PushSubscription/set', {
      create: {
        bad1: { deviceClientId: 'd', url: `${receiver.url}/x`, verificationCode: 'preset' },
        bad2: { deviceClientId: 'd', url: `${receiver.url}/x`, keys: { p256dh: 'short', auth: 'x' } },
        bad3: { url: `${receiver.url}/x` },
      },
    });
    expect(Object.values(set.notCreated as Record<string, Args>).map((e) => e.type)).toEqual([
      'invalidProperties',
      'invalidProperties',
      'invalidProperties',
    ]);
    const many = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`m${i}`, { deviceClientId: `d${i}`, url: `${receiver.url}/many/${i}` }]));
    const [, limited] = await call('PushSubscription/set', { create: many });
    expect(Object.keys(limited.created as Args)).toHaveLength(4);
    expect((limited.notCreated as Record<string, Args>).m5).toMatchObject({ type: 'overQuota' });
  });
});
