/**
 * Push with two push-service replicas and two gateway replicas: each account's events are turned into
 * StateChanges by whichever push replica owns its partition, and every gateway replica receives all of them, so
 * every client sees every change exactly once whichever gateway it is connected to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  openEventSource,
  openJmapSocket,
  partitionOfKey,
  sleep,
  stableGroupAssignment,
  startTestStack,
  type EventSourceConnection,
  type JmapSocket,
  type TestStack,
} from '@jmap/testing';

const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
/** At least this many accounts, and more until each push replica owns one of them. */
const ACCOUNTS = 6;
const MAX_ACCOUNTS = 40;
const WRITES = 3;
let stack: TestStack;
const users: Array<{ email: string; password: string; accountId: string }> = [];

beforeAll(async () => {
  stack = await startTestStack({ services: ['gateway', 'mailbox-service', 'push-service'], replicas: 2, env: { LOG_LEVEL: 'warn' } });
  // Which push replica computes an account's StateChanges is Kafka's choice (the partition of its events); the
  // accounts are made to cover both replicas' partitions so that the test shows both at work.
  const events = `${stack.topicPrefix}events`;
  const owned = await stableGroupAssignment(stack.env.KAFKA_BROKERS, `${stack.topicPrefix}push`, events, 2);
  const partitions = Number(stack.env.KAFKA_PARTITIONS);
  const covered = new Set<number>();
  for (let i = 0; users.length < ACCOUNTS || covered.size < owned.length; i++) {
    if (i === MAX_ACCOUNTS) throw new Error(`${MAX_ACCOUNTS} accounts did not cover both push replicas' partitions ${JSON.stringify(owned)}`);
    const email = `replica-user-${i}@example.com`;
    const password = `replica-password-${i}`;
    const { accountId } = await stack.createAccount(email, password);
    users.push({ email, password, accountId });
    const partition = partitionOfKey(events, accountId, partitions);
    owned.forEach((p, member) => p.includes(partition) && covered.add(member));
  }
});

afterAll(async () => {
  await stack?.stop();
});

async function pushStateChanges(replica: number): Promise<number> {
  const text = await (await fetch(`${stack.opsUrl('push-service', replica)}/metrics`)).text();
  return [...text.matchAll(/^jmap_push_state_changes_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
}

describe('push with two push replicas and two gateway replicas', () => {
  it('delivers every change to every client exactly once, whichever gateway holds the client', async () => {
    const streams: Array<{ user: (typeof users)[number]; es: EventSourceConnection; gateway: number }> = [];
    const sockets: Array<{ user: (typeof users)[number]; ws: JmapSocket; gateway: number }> = [];
    for (const user of users) {
      const authorization = authorizationHeader(user)!;
      for (const gateway of [1, 2]) {
        const es = await openEventSource(`${stack.gatewayUrl(gateway)}/jmap/eventsource/?types=*&closeafter=no&ping=0`, { authorization });
        expect(es.status).toBe(200);
        streams.push({ user, es, gateway });
        const ws = await openJmapSocket(`${stack.gatewayUrl(gateway).replace('http', 'ws')}/jmap/ws`, authorization);
        ws.send({ '@type': 'WebSocketPushEnable', dataTypes: null });
        sockets.push({ user, ws, gateway });
      }
    }
    await sleep(500);
    const expected = new Map<string, string[]>();
    await Promise.all(
      users.map(async (user) => {
        const client = stack.client(user);
        const states: string[] = [];
        for (let i = 0; i < WRITES; i++) {
          const res = await client.api(USING, [['Mailbox/set', { accountId: user.accountId, create: { m: { name: `Box ${i}` } } }, 'c']]);
          states.push((res.body.methodResponses[0][1] as { newState: string }).newState);
        }
        expected.set(user.accountId, states);
      }),
    );
    const last = (accountId: string) => expected.get(accountId)!.at(-1)!;
    for (const { user, es } of streams) {
      await es.events.next((e) => e.event === 'state' && JSON.parse(e.data).changed[user.accountId]?.Mailbox === last(user.accountId), 15_000);
    }
    for (const { user, ws } of sockets) {
      await ws.messages.next((m) => (m.changed as Record<string, Record<string, string>> | undefined)?.[user.accountId]?.Mailbox === last(user.accountId), 15_000);
    }
    await sleep(1000);
    // The push service decides once what a change is; every client of an account then sees the same sequence.
    const sequences = new Map<string, Set<string>>();
    const record = (accountId: string, seen: unknown[]) => sequences.set(accountId, (sequences.get(accountId) ?? new Set()).add(seen.join(',')));
    for (const { user, es, gateway } of streams) {
      const seen = es.states().map((s) => s.changed[user.accountId]?.Mailbox);
      // Each state at most once, in order, ending with the last write (coalescing may skip intermediate ones).
      expect(new Set(seen).size, `EventSource on gateway ${gateway}: ${seen.join(',')}`).toBe(seen.length);
      expect(seen.every((s) => expected.get(user.accountId)!.includes(s!))).toBe(true);
      expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => a - b));
      expect(es.states().every((s) => Object.keys(s.changed).join() === user.accountId)).toBe(true);
      record(user.accountId, seen);
      es.close();
    }
    for (const { user, ws, gateway } of sockets) {
      const seen = ws.messages.all.filter((m) => m['@type'] === 'StateChange').map((m) => (m.changed as Record<string, Record<string, string>>)[user.accountId]?.Mailbox);
      expect(new Set(seen).size, `WebSocket on gateway ${gateway}: ${seen.join(',')}`).toBe(seen.length);
      record(user.accountId, seen);
      await ws.close();
    }
    for (const [accountId, variants] of sequences) expect([...variants], accountId).toHaveLength(1);
    // Both push replicas computed StateChanges (the accounts' partitions are spread over them, see beforeAll).
    expect(await pushStateChanges(1)).toBeGreaterThan(0);
    expect(await pushStateChanges(2)).toBeGreaterThan(0);
  });

  it('keeps pushing every account when a push replica is killed (its partitions move to the other)', async () => {
    const streams = await Promise.all(
      users.map(async (user, i) => ({
        user,
        es: await openEventSource(`${stack.gatewayUrl((i % 2) + 1)}/jmap/eventsource/?types=Mailbox&closeafter=no&ping=0`, {
          authorization: authorizationHeader(user)!,
        }),
      })),
    );
    await stack.kill('push-service', 1, 'SIGKILL');
    const last = new Map<string, string>();
    await Promise.all(
      users.map(async (user) => {
        const res = await stack.client(user).api(USING, [['Mailbox/set', { accountId: user.accountId, create: { m: { name: 'After the kill' } } }, 'c']]);
        last.set(user.accountId, (res.body.methodResponses[0][1] as { newState: string }).newState);
      }),
    );
    // The killed replica's partitions move after the Kafka session timeout (KAFKA_SESSION_TIMEOUT_MS, 10 s).
    for (const { user, es } of streams) {
      await es.events.next((e) => e.event === 'state' && JSON.parse(e.data).changed[user.accountId]?.Mailbox === last.get(user.accountId), 40_000);
      es.close();
    }
  });
});
