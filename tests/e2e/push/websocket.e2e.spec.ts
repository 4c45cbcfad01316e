/**
 * JMAP over WebSocket (RFC 8887) through the running services: the capability in the Session, the handshake
 * (subprotocol "jmap", authentication), Request → Response with the same processing as POST /jmap/api,
 * RequestError for request-level errors, and StateChanges with pushState after WebSocketPushEnable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  openJmapSocket,
  shareUnannounced,
  sleep,
  startTestStack,
  within,
  type JmapSocket,
  type JmapTestClient,
  type TestStack,
} from '@jmap/testing';

const CORE = 'urn:ietf:params:jmap:core';
const MAIL = 'urn:ietf:params:jmap:mail';
const USER = { email: 'ws-user@example.com', password: 'ws-user-password' };
let stack: TestStack;
let client: JmapTestClient;
let accountId: string;
let wsUrl: string;

async function createMailbox(name: string): Promise<string> {
  const res = await client.api([CORE, MAIL], [['Mailbox/set', { accountId, create: { m: { name } } }, 'c']]);
  return (res.body.methodResponses[0][1] as { newState: string }).newState;
}

const open = (): Promise<JmapSocket> => openJmapSocket(wsUrl, authorizationHeader(USER));

beforeAll(async () => {
  stack = await startTestStack({ services: ['gateway', 'mailbox-service', 'push-service'], env: { MAX_CALLS_IN_REQUEST: '4' } });
  ({ accountId } = await stack.createAccount(USER.email, USER.password));
  client = stack.client(USER);
  const { body } = await client.session();
  wsUrl = (body.capabilities as Record<string, { url: string }>)['urn:ietf:params:jmap:websocket'].url;
});

afterAll(async () => {
  await stack?.stop();
});

describe('JMAP over WebSocket (RFC 8887)', () => {
  it('is advertised in the Session with push support', async () => {
    const { body } = await client.session();
    expect((body.capabilities as Record<string, unknown>)['urn:ietf:params:jmap:websocket']).toEqual({
      url: `${stack.url.replace('http', 'ws')}/jmap/ws`,
      supportsPush: true,
    });
  });

  it('needs the "jmap" subprotocol and credentials', async () => {
    await expect(openJmapSocket(wsUrl, authorizationHeader(USER), ['chat'])).rejects.toThrow(/HTTP 400/);
    await expect(openJmapSocket(wsUrl, null)).rejects.toThrow(/HTTP 401/);
    const ws = await open();
    expect(ws.protocol).toBe('jmap');
    await ws.close();
  });

  it('answers Requests like the API endpoint, echoing the request id, and RequestErrors for request-level errors', async () => {
    const ws = await open();
    ws.send({ '@type': 'Request', id: 'R1', using: [CORE], methodCalls: [['Core/echo', { hello: true, high: 5 }, 'b3ff']] });
    const response = await ws.messages.next((m) => m.requestId === 'R1', 5000);
    expect(response).toMatchObject({ '@type': 'Response', methodResponses: [['Core/echo', { hello: true, high: 5 }, 'b3ff']] });
    expect(response.sessionState).toBe((await client.session()).body.state);

    ws.send({ '@type': 'Request', id: 'R2', using: [CORE, MAIL], methodCalls: [['Mailbox/get', { accountId, ids: null, properties: ['role'] }, 'g']] });
    const got = await ws.messages.next((m) => m.requestId === 'R2', 5000);
    const viaHttp = await client.api([CORE, MAIL], [['Mailbox/get', { accountId, ids: null, properties: ['role'] }, 'g']]);
    expect(got.methodResponses).toEqual(viaHttp.body.methodResponses);

    ws.send('The quick brown fox jumps over the lazy dog.');
    expect(await ws.messages.next((m) => m['@type'] === 'RequestError' && m.type === 'urn:ietf:params:jmap:error:notJSON', 5000)).toMatchObject({
      requestId: null,
      status: 400,
    });
    ws.send({ '@type': 'Request', id: 'R3', using: ['urn:example:nope'], methodCalls: [] });
    expect(await ws.messages.next((m) => m.requestId === 'R3', 5000)).toMatchObject({
      '@type': 'RequestError',
      type: 'urn:ietf:params:jmap:error:unknownCapability',
    });
    ws.send({ '@type': 'Request', id: 'R4', using: [CORE], methodCalls: Array.from({ length: 5 }, (_, i) => ['Core/echo', {}, `c${i}`]) });
    expect(await ws.messages.next((m) => m.requestId === 'R4', 5000)).toMatchObject({ '@type': 'RequestError', limit: 'maxCallsInRequest' });
    ws.send({ '@type': 'Nonsense', id: 'R5' });
    expect(await ws.messages.next((m) => m.requestId === 'R5', 5000)).toMatchObject({ type: 'urn:ietf:params:jmap:error:notRequest' });
    await ws.close();
  });

  it('pushes StateChanges with a pushState after WebSocketPushEnable, none after WebSocketPushDisable', async () => {
    const ws = await open();
    ws.send({ '@type': 'WebSocketPushEnable', dataTypes: ['Mailbox'] });
    await sleep(300);
    const state = await createMailbox('Over the socket');
    const change = await ws.messages.next((m) => m['@type'] === 'StateChange', 10_000);
    expect(change.changed).toEqual({ [accountId]: { Mailbox: state } });
    expect(change.pushState).toEqual(expect.any(String));

    ws.send({ '@type': 'WebSocketPushDisable' });
    await sleep(300);
    const count = ws.messages.all.length;
    const missed = await createMailbox('While disabled');
    await sleep(1500);
    expect(ws.messages.all.length).toBe(count);

    // Enabling again with the last pushState sends what happened in between at once.
    ws.send({ '@type': 'WebSocketPushEnable', dataTypes: null, pushState: change.pushState });
    const caughtUp = await ws.messages.next((m) => m['@type'] === 'StateChange', 5000, count);
    expect(caughtUp.changed).toEqual({ [accountId]: { Mailbox: missed } });
    await ws.close();
  });
});

describe('the credentials over the life of a WebSocket (ADR 0011)', () => {
  it('serves an account shared after the handshake, and closes with 1008 once the password is reset', async () => {
    const user = { email: 'ws-reset@example.com', password: 'ws-reset-password' };
    const me = await stack.createAccount(user.email, user.password);
    const team = await stack.createAccount('ws-team@example.com', 'ws-team-password');
    const ws = await openJmapSocket(wsUrl, authorizationHeader(user));
    const answer = async (id: string, account: string) => {
      ws.send({
        '@type': 'Request',
        id,
        using: [CORE, MAIL],
        methodCalls: [['Mailbox/get', { accountId: account, ids: null, properties: ['role'] }, 'g']],
      });
      const [name, args] = ((await ws.messages.next((m) => m.requestId === id, 5000)).methodResponses as Array<
        [string, Record<string, unknown>]
      >)[0];
      return name === 'error' ? `error ${String(args.type)}` : name;
    };
    expect(await answer('A1', me.accountId)).toBe('Mailbox/get');
    expect(await answer('A2', team.accountId)).toBe('error accountNotFound');
    // Unannounced (as while its notification is on the way): an account the remembered login lacks is looked up.
    await shareUnannounced(stack.db, me.principalId, team.accountId);
    expect(await answer('A3', team.accountId)).toBe('Mailbox/get');

    const closed = new Promise<number>((resolve) => ws.socket.once('close', (code) => resolve(code)));
    expect((await stack.admin(['password', 'reset', user.email, '--password', 'ws-reset-new'])).code).toBe(0);
    // The reset reaches the gateway as a notification; from then on a request closes the connection.
    for (let i = 0; ws.socket.readyState === ws.socket.OPEN; i++) {
      if (i > 200) throw new Error('the connection stayed open after the password reset');
      ws.send({ '@type': 'Request', id: `E${i}`, using: [CORE], methodCalls: [['Core/echo', {}, 'e']] });
      await sleep(50);
    }
    expect(await within(closed, 5000, 'the close')).toBe(1008);
    const replies = ws.messages.all.filter((m) => typeof m.requestId === 'string' && m.requestId.startsWith('E'));
    expect(replies.every((m) => m['@type'] === 'Response')).toBe(true);
    await expect(openJmapSocket(wsUrl, authorizationHeader(user))).rejects.toThrow(/HTTP 401/);
  });

  it('closes an idle connection that only receives push with 1008 once the credentials are refused', async () => {
    const user = { email: 'ws-idle@example.com', password: 'ws-idle-password' };
    await stack.createAccount(user.email, user.password);
    const ws = await openJmapSocket(wsUrl, authorizationHeader(user));
    ws.send({ '@type': 'WebSocketPushEnable', dataTypes: null });
    const closed = new Promise<number>((resolve) => ws.socket.once('close', (code) => resolve(code)));
    await sleep(200);
    await stack.db.query('UPDATE principals SET disabled = true WHERE email = $1', [user.email]);
    expect(await within(closed, 10_000, 'the close')).toBe(1008);
  });
});
