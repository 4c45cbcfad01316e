/**
 * Commands over the real Kafka, handled by a ledger service in this process against the real PostgreSQL:
 * idempotent command ids, per-gateway-replica replies, and the dead-letter topic (issue #4).
 */
import { IdGenerator } from '@jmap/event-store';
import { CommandFailedError, topics, type CommandReply } from '@jmap/messaging';
import { Metrics, type Counter, type Histogram } from '@jmap/platform';
import { testLogger } from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerLog } from '../../../tests/fixtures/ledger-service/ledger.audit.js';
import {
  ledgerCommand,
  startGateway,
  type Gateway,
} from '../../../tests/fixtures/ledger-service/ledger.commands.js';
import {
  ledgerTestContext,
  pollUntil,
  TopicTap,
  type LedgerTestContext,
} from '../../../tests/fixtures/ledger-service/ledger.context.js';
import { POISON_MESSAGE } from '../../../tests/fixtures/ledger-service/ledger.domain.js';
import { LEDGER_SERVICE, type LedgerReply } from '../../../tests/fixtures/ledger-service/ledger.handler.js';
import {
  startLedgerService,
  type LedgerService,
} from '../../../tests/fixtures/ledger-service/ledger.service.js';

const logger = testLogger('bus-test');
let ctx: LedgerTestContext;
let service: LedgerService;
let serviceMetrics: Metrics;
let gwA: Gateway;
let gwB: Gateway;

beforeAll(async () => {
  ctx = await ledgerTestContext('bus');
  serviceMetrics = new Metrics('ledger');
  service = await startLedgerService({
    databaseUrl: ctx.databaseUrl,
    kafka: ctx.kafka,
    instanceId: 'ledger-1',
    metrics: serviceMetrics,
    logger,
    maxAttempts: 3,
  });
  [gwA, gwB] = await Promise.all([
    startGateway(ctx.kafka, 'gateway-a', logger),
    startGateway(ctx.kafka, 'gateway-b', logger),
  ]);
});

afterAll(async () => {
  await Promise.allSettled([gwA?.close(), gwB?.close()]);
  await service?.stop();
  await ctx?.close();
});

async function counterValue(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name) as Counter<string> | undefined;
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))
    .reduce((n, v) => n + v.value, 0);
}

async function histogramCount(
  metrics: Metrics,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name) as Histogram<string> | undefined;
  if (!metric) return 0;
  const { values } = await metric.get();
  return values
    .filter(
      (v) => v.metricName === `${name}_count` && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
    )
    .reduce((n, v) => n + v.value, 0);
}

describe('KafkaCommandBus with KafkaCommandConsumer', () => {
  it('handles a command id sent twice once and returns the same reply both times', async () => {
    // Invariant 3: "handling it twice (Kafka redelivery, gateway retry ...) has the effect of handling it once and
    // returns the same result." Issue #4: "The same command id sent twice: one append, the same reply."
    const account = 'acct-dup';
    const first = ledgerCommand(account, { type: 'Deposit', amount: 7 });
    const r1 = await gwA.bus.send<LedgerReply>(LEDGER_SERVICE, first);
    const r2 = await gwA.bus.send<LedgerReply>(LEDGER_SERVICE, first);
    expect(r1).toMatchObject({ modseq: 1, balance: 7 });
    expect(r2).toEqual(r1);

    // The same id from two gateway replicas at once (a retry that reached another replica): still one append.
    const second = ledgerCommand(account, { type: 'Deposit', amount: 11 });
    const [a, b] = await Promise.all([
      gwA.bus.send<LedgerReply>(LEDGER_SERVICE, second),
      gwB.bus.send<LedgerReply>(LEDGER_SERVICE, second),
    ]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ modseq: 2, balance: 18 });

    // The same id twice at once from one gateway replica (a client retrying a request still in flight).
    const third = ledgerCommand(account, { type: 'Deposit', amount: 5 });
    const [c, d] = await Promise.all([
      gwA.bus.send<LedgerReply>(LEDGER_SERVICE, third),
      gwA.bus.send<LedgerReply>(LEDGER_SERVICE, third),
    ]);
    expect(c).toEqual(d);
    expect(c).toMatchObject({ modseq: 3, balance: 23 });

    const log = await ledgerLog(ctx.pool, account);
    expect(log.map((e) => e.commandId)).toEqual([first.commandId, second.commandId, third.commandId]);
    const processed = await ctx.pool.query(
      'SELECT command_id FROM processed_commands WHERE account_id = $1',
      [account],
    );
    expect(processed.rowCount).toBe(3);
    const balance = await ctx.pool.query('SELECT balance FROM ledger_balances WHERE account_id = $1', [
      account,
    ]);
    expect(balance.rows[0]).toEqual({ balance: 23 });
  });

  it('still replies after a gateway that stopped deleted its reply topic (regression: every later reply failed)', async () => {
    const account = new IdGenerator('t', 'reply-topic-deleted').next('A');
    const leaving = await startGateway(ctx.kafka, 'gateway-leaving', logger);
    await leaving.bus.send(LEDGER_SERVICE, ledgerCommand(account, { type: 'Deposit', amount: 1 }));
    // close() deletes the reply topic the service's reply producer has sent to.
    await leaving.close();
    const arriving = await startGateway(ctx.kafka, 'gateway-arriving', logger, { timeoutMs: 8000, attempts: 2 });
    try {
      const reply = await arriving.bus.send<LedgerReply>(LEDGER_SERVICE, ledgerCommand(account, { type: 'Deposit', amount: 2 }));
      expect(reply).toBeDefined();
      const again = await gwA.bus.send<LedgerReply>(LEDGER_SERVICE, ledgerCommand(account, { type: 'Deposit', amount: 3 }));
      expect(again).toBeDefined();
    } finally {
      await arriving.close();
    }
  });

  it('routes each reply to the gateway replica that sent the command, and only to it', async () => {
    // Issue #4: "Two gateway replicas ... sending at once each get their own replies (and only those)."
    const accounts = Array.from({ length: 10 }, (_, i) => `acct-route-${i}`);
    const build = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        ledgerCommand(accounts[i % accounts.length], { type: 'Deposit', amount: i + 1 }),
      );
    const fromA = build(100);
    const fromB = build(100);
    const [repliesA, repliesB] = await Promise.all([
      Promise.all(fromA.map((c) => gwA.bus.send<LedgerReply>(LEDGER_SERVICE, c))),
      Promise.all(fromB.map((c) => gwB.bus.send<LedgerReply>(LEDGER_SERVICE, c))),
    ]);
    // Entry ids derive from (account, command id): a reply carrying another command's result would not match.
    const expectOwn = (cmds: typeof fromA, replies: LedgerReply[]) =>
      cmds.forEach((c, i) =>
        expect(replies[i].entryIds).toEqual([new IdGenerator(c.accountId, c.commandId).next('L')]),
      );
    expectOwn(fromA, repliesA);
    expectOwn(fromB, repliesB);

    const t = topics(ctx.kafka.topicPrefix);
    const tapA = await new TopicTap(ctx.client, t.replies('gateway-a')).start();
    const tapB = await new TopicTap(ctx.client, t.replies('gateway-b')).start();
    try {
      const idsOf = (tap: TopicTap) =>
        new Set(tap.messages.map((m) => (JSON.parse(m.value) as CommandReply).commandId));
      const wantA = new Set(fromA.map((c) => c.commandId));
      const wantB = new Set(fromB.map((c) => c.commandId));
      await pollUntil(
        'every reply on its reply topic',
        async () =>
          [...wantA].every((id) => idsOf(tapA).has(id)) && [...wantB].every((id) => idsOf(tapB).has(id)),
        20_000,
      );
      expect([...idsOf(tapA)].filter((id) => wantB.has(id))).toEqual([]);
      expect([...idsOf(tapB)].filter((id) => wantA.has(id))).toEqual([]);
    } finally {
      await Promise.all([tapA.stop(), tapB.stop()]);
    }

    for (const account of accounts) {
      const log = await ledgerLog(ctx.pool, account);
      expect(log).toHaveLength(20);
    }
  });

  it('dead-letters a command that always fails, counts it, and runs the commands behind it', async () => {
    // STYLE.md 7: "a message that can never succeed goes to a dead-letter topic with its error, and a metric counts
    // it." Issue #4: "the commands behind it on the same partition/account still run."
    const account = 'acct-poison';
    const t = topics(ctx.kafka.topicPrefix);
    const dlqLabels = { topic: t.deadLetters, reason: 'serverFail' };
    const deadBefore = await counterValue(serviceMetrics, 'jmap_dead_letters_total', dlqLabels);
    const receivedBefore = await counterValue(serviceMetrics, 'jmap_commands_received_total', {
      service: LEDGER_SERVICE,
    });

    const poison = ledgerCommand(account, { type: 'Poison' });
    const poisonReply = gwA.bus.send(LEDGER_SERVICE, poison).then(
      () => null,
      (err: unknown) => err,
    );
    // Send the deposits only once the service holds the poison, so they queue behind it on its partition.
    await pollUntil(
      'the service to receive the poison',
      async () =>
        (await counterValue(serviceMetrics, 'jmap_commands_received_total', { service: LEDGER_SERVICE })) >
        receivedBefore,
      20_000,
      5,
    );
    const behind = [1, 2, 3].map((amount) => ledgerCommand(account, { type: 'Deposit', amount }));
    const behindReplies = behind.map((c) => gwA.bus.send<LedgerReply>(LEDGER_SERVICE, c));

    const err = await poisonReply;
    expect(err).toBeInstanceOf(CommandFailedError);
    expect((err as CommandFailedError).error).toEqual({ type: 'serverFail', description: POISON_MESSAGE });
    const replies = await Promise.all(behindReplies);
    expect(replies.map((r) => r.modseq).sort((x, y) => x - y)).toEqual([1, 2, 3]);
    const log = await ledgerLog(ctx.pool, account);
    expect(log.map((e) => e.commandId).sort()).toEqual(behind.map((c) => c.commandId).sort());
    expect(log.at(-1)?.balance).toBe(6);

    // The handler ran maxAttempts (3) times before the command was dead-lettered, once counted.
    expect(
      await histogramCount(serviceMetrics, 'jmap_command_duration_seconds', {
        command: 'Ledger/Poison',
        outcome: 'error',
      }),
    ).toBe(3);
    expect(await counterValue(serviceMetrics, 'jmap_dead_letters_total', dlqLabels)).toBe(deadBefore + 1);

    const tap = await new TopicTap(ctx.client, t.deadLetters).start();
    try {
      const find = () =>
        tap.messages
          .map((m) => ({
            key: m.key,
            body: JSON.parse(m.value) as {
              service: string;
              command: { commandId: string };
              error: { type: string; description: string };
            },
          }))
          .filter((m) => m.body.command.commandId === poison.commandId);
      await pollUntil('the poison on the dead-letter topic', async () => find().length > 0, 20_000);
      const [dead] = find();
      expect(find()).toHaveLength(1);
      expect(dead.key).toBe(account);
      expect(dead.body.service).toBe(LEDGER_SERVICE);
      expect(dead.body.error).toEqual({ type: 'serverFail', description: POISON_MESSAGE });
    } finally {
      await tap.stop();
    }
  });
});
