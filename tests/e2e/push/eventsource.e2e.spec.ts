/**
 * The event-source resource (RFC 8620 section 7.3) through the distributed path: a Mailbox/set over HTTP →
 * mailbox service → events topic → push service → statechanges topic → the gateway → the open EventSource.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationHeader, openEventSource, sleep, startTestStack, within, type JmapTestClient, type TestStack } from '@jmap/testing';

const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
const ALICE = { email: 'es-alice@example.com', password: 'es-alice-password' };
const BOB = { email: 'es-bob@example.com', password: 'es-bob-password' };
let stack: TestStack;
let alice: JmapTestClient;
let accountId: string;
let bobAccountId: string;

async function createMailbox(client: JmapTestClient, account: string, name: string): Promise<string> {
  const res = await client.api(USING, [['Mailbox/set', { accountId: account, create: { m: { name } } }, 'c']]);
  const args = res.body.methodResponses[0][1] as { newState: string; created: Record<string, unknown> | null };
  expect(res.body.methodResponses[0][0], JSON.stringify(res.body)).toBe('Mailbox/set');
  expect(args.created, JSON.stringify(res.body)).not.toBeNull();
  return args.newState;
}

const url = (query: string) => `${stack.url}/jmap/eventsource/?${query}`;
const auth = (c = ALICE) => ({ authorization: authorizationHeader(c)! });

beforeAll(async () => {
  stack = await startTestStack({
    services: ['gateway', 'mailbox-service', 'push-service'],
    env: { EVENTSOURCE_MIN_PING_SECONDS: '1' },
  });
  ({ accountId } = await stack.createAccount(ALICE.email, ALICE.password));
  ({ accountId: bobAccountId } = await stack.createAccount(BOB.email, BOB.password));
  alice = stack.client(ALICE);
});

afterAll(async () => {
  await stack?.stop();
});

describe('EventSource (RFC 8620 section 7.3)', () => {
  it('is the session eventSourceUrl and needs authentication', async () => {
    const { body } = await alice.session();
    expect(body.eventSourceUrl).toBe(`${stack.url}/jmap/eventsource/?types={types}&closeafter={closeafter}&ping={ping}`);
    const anonymous = await openEventSource(url('types=*&closeafter=no&ping=0'));
    expect(anonymous.status).toBe(401);
    anonymous.close();
    const bad = await openEventSource(url('types=*&closeafter=later&ping=0'), auth());
    expect(bad.status).toBe(400);
    bad.close();
  });

  it('pushes the StateChange of a write made through another connection, with only the accounts the user may see', async () => {
    const es = await openEventSource(url('types=*&closeafter=no&ping=0'), auth());
    expect(es.status).toBe(200);
    expect(es.headers['content-type']).toMatch(/^text\/event-stream/);
    const bobsStream = await openEventSource(url('types=*&closeafter=no&ping=0'), auth(BOB));
    const newState = await createMailbox(alice, accountId, 'Pushed');
    const event = await es.events.next((e) => e.event === 'state', 10_000);
    const change = JSON.parse(event.data) as { '@type': string; changed: Record<string, Record<string, string>> };
    expect(change['@type']).toBe('StateChange');
    expect(change.changed).toEqual({ [accountId]: { Mailbox: newState } });
    expect(event.id).toMatch(/^[A-Za-z0-9_-]+$/);
    // Bob may not see Alice's account: nothing reaches his stream; his own write does.
    const bobState = await createMailbox(stack.client(BOB), bobAccountId, 'Bobs');
    const bobEvent = await bobsStream.events.next((e) => e.event === 'state', 10_000);
    expect(JSON.parse(bobEvent.data).changed).toEqual({ [bobAccountId]: { Mailbox: bobState } });
    expect(bobsStream.states()).toHaveLength(1);
    es.close();
    bobsStream.close();
  });

  it('sends only the requested types', async () => {
    const es = await openEventSource(url('types=Email&closeafter=no&ping=0'), auth());
    await createMailbox(alice, accountId, 'Not for Email listeners');
    await sleep(1500);
    expect(es.states()).toEqual([]);
    es.close();
  });

  it('pings at the requested interval with its interval as data, without an id', async () => {
    const es = await openEventSource(url('types=*&closeafter=no&ping=1'), auth());
    const first = await es.events.next((e) => e.event === 'ping', 5000);
    const second = await es.events.next((e) => e.event === 'ping' && e !== first, 5000);
    expect(JSON.parse(first.data)).toEqual({ interval: 1 });
    expect(first.id).toBeUndefined();
    expect(second.at - first.at).toBeGreaterThan(800);
    expect(second.at - first.at).toBeLessThan(1600);
    es.close();
    // Below the server minimum (1 s here) the interval is raised to it; 0 means no pings at all.
    const quiet = await openEventSource(url('types=*&closeafter=no&ping=0'), auth());
    await sleep(2200);
    expect(quiet.events.all.filter((e) => e.event === 'ping')).toEqual([]);
    quiet.close();
  });

  it('ends the response after one state event with closeafter=state', async () => {
    const es = await openEventSource(url('types=Mailbox&closeafter=state&ping=0'), auth());
    await createMailbox(alice, accountId, 'Close after');
    await within(es.ended, 10_000, 'the end of the response');
    expect(es.states()).toHaveLength(1);
  });

  it('sends what changed while away to a reconnect with Last-Event-ID, and nothing when nothing changed', async () => {
    const es = await openEventSource(url('types=*&closeafter=no&ping=0'), auth());
    const state1 = await createMailbox(alice, accountId, 'Before leaving');
    const seen = await es.events.next((e) => e.event === 'state' && JSON.parse(e.data).changed[accountId]?.Mailbox === state1, 10_000);
    es.close();
    const state2 = await createMailbox(alice, accountId, 'While away');
    const back = await openEventSource(url('types=*&closeafter=no&ping=0'), { ...auth(), 'last-event-id': seen.id! });
    const missed = await back.events.next((e) => e.event === 'state', 5000);
    expect(JSON.parse(missed.data).changed).toEqual({ [accountId]: { Mailbox: state2 } });
    back.close();
    // Up to date: a reconnect with the newest id gets nothing.
    const again = await openEventSource(url('types=*&closeafter=no&ping=0'), { ...auth(), 'last-event-id': missed.id! });
    await sleep(1000);
    expect(again.states()).toEqual([]);
    again.close();
  });

  it('ends its streams when the gateway shuts down, and an id from before the restart still catches up', async () => {
    const es = await openEventSource(url('types=*&closeafter=no&ping=0'), auth());
    const state1 = await createMailbox(alice, accountId, 'Before the restart');
    const seen = await es.events.next((e) => e.event === 'state' && JSON.parse(e.data).changed[accountId]?.Mailbox === state1, 10_000);
    const stopping = Date.now();
    await stack.kill('gateway', 1, 'SIGTERM');
    await within(es.ended, 1000, 'the end of the stream');
    // Well before the harness's SIGKILL fallback: the gateway did not wait for the open stream.
    expect(Date.now() - stopping).toBeLessThan(8000);
    await stack.restart('gateway');
    const state2 = await createMailbox(alice, accountId, 'After the restart');
    const back = await openEventSource(url('types=*&closeafter=no&ping=0'), { ...auth(), 'last-event-id': seen.id! });
    const missed = await back.events.next((e) => e.event === 'state', 5000);
    expect(JSON.parse(missed.data).changed).toEqual({ [accountId]: { Mailbox: state2 } });
    back.close();
  });

  it('accepts a ticket from POST /jmap/eventsource-token instead of the Authorization header', async () => {
    const res = await alice.fetch('/jmap/eventsource-token', { method: 'POST' });
    expect(res.status).toBe(201);
    const { token, expires } = (await res.json()) as { token: string; expires: string };
    expect(Date.parse(expires)).toBeGreaterThan(Date.now());
    const es = await openEventSource(url(`types=Mailbox&closeafter=state&ping=0&token=${encodeURIComponent(token)}`));
    expect(es.status).toBe(200);
    const state = await createMailbox(alice, accountId, 'Ticket');
    await within(es.ended, 10_000, 'the end of the response');
    expect(es.states()[0].changed).toEqual({ [accountId]: { Mailbox: state } });
    const forged = await openEventSource(url(`types=*&closeafter=no&ping=0&token=es_${'A'.repeat(32)}`));
    expect(forged.status).toBe(401);
    forged.close();
  });
});

describe('an open EventSource after its credentials or accounts change (ADR 0011)', () => {
  it('ends once the password it was opened with is reset, and the reconnect is refused', async () => {
    const user = { email: 'es-reset@example.com', password: 'es-reset-password' };
    await stack.createAccount(user.email, user.password);
    const es = await openEventSource(url('types=*&closeafter=no&ping=0'), auth(user));
    expect(es.status).toBe(200);
    expect((await stack.admin(['password', 'reset', user.email, '--password', 'es-reset-new'])).code).toBe(0);
    await within(es.ended, 10_000, 'the end of the stream');
    const again = await openEventSource(url('types=*&closeafter=no&ping=0'), auth(user));
    expect(again.status).toBe(401);
    again.close();
  });

  it('opened with a ticket: ends once an account it pushes for is unshared, and stays open for other changes', async () => {
    const user = { email: 'es-shared@example.com', password: 'es-shared-password' };
    const me = await stack.createAccount(user.email, user.password);
    const team = await stack.createAccount('es-team@example.com', 'es-team-password');
    await stack.db.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [
      me.principalId,
      team.accountId,
    ]);
    const client = stack.client(user);
    const ticket = (await (await client.fetch('/jmap/eventsource-token', { method: 'POST' })).json()) as { token: string };
    const es = await openEventSource(url(`types=*&closeafter=no&ping=0&token=${encodeURIComponent(ticket.token)}`));
    expect(es.status).toBe(200);
    // A change that keeps both accounts (a new share of a third one) leaves the stream open and pushing.
    const other = await stack.createAccount('es-other@example.com', 'es-other-password');
    await stack.db.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [
      me.principalId,
      other.accountId,
    ]);
    const state = await createMailbox(client, team.accountId, 'Still pushed');
    const pushed = await es.events.next((e) => e.event === 'state' && JSON.parse(e.data).changed[team.accountId]?.Mailbox === state, 10_000);
    expect(pushed).toBeDefined();
    await stack.db.query('DELETE FROM account_access WHERE principal_id = $1 AND account_id = $2', [
      me.principalId,
      team.accountId,
    ]);
    await within(es.ended, 10_000, 'the end of the stream');
  });
});

