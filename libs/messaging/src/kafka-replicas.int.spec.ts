/**
 * Two ledger replicas as real separate processes in one consumer group, fed by a gateway's KafkaCommandBus over
 * the real Kafka and writing to the real PostgreSQL (issue #4, "Done when" 1 and 2).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  inlineViolations,
  ledgerLog,
  logViolations,
} from '../../../tests/fixtures/ledger-service/ledger.audit.js';
import { startGateway, type Gateway } from '../../../tests/fixtures/ledger-service/ledger.commands.js';
import {
  ledgerTestContext,
  pollUntil,
  type LedgerTestContext,
} from '../../../tests/fixtures/ledger-service/ledger.context.js';
import { LEDGER_SERVICE } from '../../../tests/fixtures/ledger-service/ledger.handler.js';
import {
  planLoad,
  runLoad,
  type AccountPlan,
  type CommandResult,
} from '../../../tests/fixtures/ledger-service/ledger.load.js';
import { spawnReplica, type Replica } from '../../../tests/fixtures/ledger-service/replica.js';

const ACCOUNTS = 50;
const PER_ACCOUNT = 20;

let ctx: LedgerTestContext | undefined;
let replicas: Replica[] = [];
let gateway: Gateway | undefined;

afterEach(async () => {
  await gateway?.close();
  await Promise.all(replicas.map((r) => r.kill('SIGTERM')));
  await ctx?.close();
  ctx = undefined;
  replicas = [];
  gateway = undefined;
});

/** A logger whose warnings the test can count (the bus logs each resend). */
function capturingLogger() {
  const lines: Array<{ msg?: string }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) lines.push(JSON.parse(line) as { msg?: string });
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, stream), lines };
}

async function startReplicas(c: LedgerTestContext, ids: string[]): Promise<Replica[]> {
  const started = await Promise.all(ids.map((id) => spawnReplica(id, c.replicaEnv())));
  // Both replicas are members of the service's consumer group, each with partitions assigned.
  const admin = c.client.admin();
  await admin.connect();
  try {
    await pollUntil(
      `${ids.length} members in the ${LEDGER_SERVICE} group`,
      async () => {
        const { groups } = await admin.describeGroups([`${c.kafka.topicPrefix}${LEDGER_SERVICE}`]);
        const g = groups[0];
        return (
          (g?.state === 'Stable' && g.members.length === ids.length) ||
          `state ${g?.state}, ${g?.members.length} members`
        );
      },
      60_000,
      200,
    );
  } finally {
    await admin.disconnect();
  }
  return started;
}

/** Every account's log holds exactly the events its commands imply, in the order they were sent. */
async function expectLoadApplied(
  c: LedgerTestContext,
  plans: AccountPlan[],
  results: Map<string, CommandResult>,
): Promise<void> {
  for (const plan of plans) {
    for (const command of plan.commands) {
      const result = results.get(command.commandId);
      if (plan.rejected.has(command.commandId)) {
        expect(result?.ok ? result.reply : result?.error.error, command.commandId).toMatchObject({
          type: 'invalidArguments',
        });
      } else {
        expect(result?.ok ? result.reply : result?.error.error, command.commandId).toMatchObject({
          handledBy: expect.any(String),
        });
      }
    }
    const log = await ledgerLog(c.pool, plan.accountId);
    expect(
      log.map(({ type, commandId, entryId, delta, balance }) => ({
        type,
        commandId,
        entryId,
        delta,
        balance,
      })),
      plan.accountId,
    ).toEqual(plan.events);
    expect(await logViolations(c.pool, plan.accountId)).toEqual([]);
    expect(await inlineViolations(c.pool, plan.accountId)).toEqual([]);
  }
  // One processed row per command: accepted ones with their reply, rejected ones with their rejection.
  const processed = await c.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_commands');
  expect(processed.rows[0].n).toBe(plans.reduce((n, p) => n + p.commands.length, 0));
}

describe('two service replicas in one consumer group', () => {
  it('apply each of 1,000 commands for 50 accounts exactly once, in each account’s order', async () => {
    // Issue #4: "every command's effect exactly once, each account's events in modseq order (and contiguous), the
    // read model equals what the commands imply." Invariant 9: "Kafka partitions (keyed by account id) spread the work."
    ctx = await ledgerTestContext('replicas');
    replicas = await startReplicas(ctx, ['ledger-a', 'ledger-b']);
    const { logger } = capturingLogger();
    gateway = await startGateway(ctx.kafka, 'gateway-1', logger, { timeoutMs: 20_000, attempts: 2 });

    const plans = planLoad('acct-', ACCOUNTS, PER_ACCOUNT);
    expect(plans.reduce((n, p) => n + p.commands.length, 0)).toBe(1000);
    const results = await runLoad(gateway.bus, plans);

    await expectLoadApplied(ctx, plans, results);
    const handledBy = new Set([...results.values()].flatMap((r) => (r.ok ? [r.reply.handledBy] : [])));
    expect([...handledBy].sort()).toEqual(['ledger-a', 'ledger-b']);
  });

  it('completes every command exactly once when a replica is killed with SIGKILL in the middle of the load', async () => {
    // Invariant 9: "a replica may be killed at any moment without losing or duplicating a command's effect."
    // Issue #4: "all commands still complete (the gateway-side KafkaCommandBus resends with the same command id
    // after its timeout), none applied twice."
    ctx = await ledgerTestContext('sigkill');
    replicas = await startReplicas(ctx, ['ledger-a', 'ledger-b']);
    const [victim] = replicas;
    const { logger, lines } = capturingLogger();
    // Resend after 2.5 s, up to 10 times: longer than the 6 s session timeout plus the rebalance.
    gateway = await startGateway(ctx.kafka, 'gateway-1', logger, { timeoutMs: 2500, attempts: 10 });

    const plans = planLoad('acct-', ACCOUNTS, PER_ACCOUNT, 9);
    let done = 0;
    let victimHandled = 0;
    let victimAfterKill = 0;
    let killed: Promise<string> | undefined;
    const results = await runLoad(gateway.bus, plans, (_command, result) => {
      done++;
      const byVictim = result.ok && result.reply.handledBy === victim.instanceId;
      if (killed && byVictim) victimAfterKill++;
      if (byVictim) victimHandled++;
      if (!killed && done >= 300 && victimHandled > 0) killed = victim.kill('SIGKILL');
    });

    expect(await killed).toBe('SIGKILL');
    expect(done).toBe(1000);
    await expectLoadApplied(ctx, plans, results);
    // The commands the victim held were resent with the same id, and the survivor handled the rest.
    expect(lines.filter((l) => l.msg === 'no reply in time; resending').length).toBeGreaterThan(0);
    // After the kill the victim's name can only come back in stored replies of commands it committed before
    // dying: at most one per account, since each account has one command in flight.
    expect(victimAfterKill).toBeLessThanOrEqual(ACCOUNTS);
    const survivor = [...results.values()].filter((r) => r.ok && r.reply.handledBy === 'ledger-b').length;
    expect(survivor + victimHandled + plans.reduce((n, p) => n + p.rejected.size, 0)).toBe(1000);
  });
});
