/**
 * Rebuild on the real PostgreSQL (invariant 5), with the background history projected through the real Kafka
 * (outbox relay → events topic → KafkaEventSubscriber → ProjectorRunner) before it is replayed (issue #4,
 * "Done when" 6).
 */
import { EventReader, Rebuilder } from '@jmap/event-store';
import type { Queryable } from '@jmap/platform';
import { testLogger } from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyViolations, inlineViolations } from '../../../tests/fixtures/ledger-service/ledger.audit.js';
import { ledgerCommand } from '../../../tests/fixtures/ledger-service/ledger.commands.js';
import {
  ledgerTestContext,
  pollUntil,
  type LedgerTestContext,
} from '../../../tests/fixtures/ledger-service/ledger.context.js';
import {
  planLoad,
  runLoadLocally,
  type AccountPlan,
} from '../../../tests/fixtures/ledger-service/ledger.load.js';
import {
  startEventPipeline,
  type EventPipeline,
} from '../../../tests/fixtures/ledger-service/ledger.pipeline.js';
import {
  HISTORY_PROJECTOR,
  ledgerProjections,
} from '../../../tests/fixtures/ledger-service/ledger.projections.js';

const logger = testLogger('rebuild-test');
let ctx: LedgerTestContext;
let pipeline: EventPipeline;
let rebuilder: Rebuilder;
let big: AccountPlan;
let small: AccountPlan;

/** Every read-model row of an account, table by table (positions without their wall-clock updated_at). */
async function readModels(db: Queryable, accountId: string): Promise<Record<string, unknown[]>> {
  const specs = [
    ...ledgerProjections().all.flatMap((p) => p.tables),
    { table: 'changes', key: ['type', 'modseq', 'object_id'] },
    { table: 'projector_positions', key: ['projector'] },
  ];
  const out: Record<string, unknown[]> = {};
  for (const t of specs) {
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT * FROM ${t.table} WHERE account_id = $1 ORDER BY ${t.key.join(', ')}`,
      [accountId],
    );
    out[t.table] = rows.map(({ updated_at: _ignored, ...r }) => r);
  }
  return out;
}

async function historyRowVersions(db: Queryable, accountId: string): Promise<string[]> {
  const { rows } = await db.query<{ v: string }>(
    'SELECT xmin::text AS v FROM ledger_history WHERE account_id = $1 ORDER BY modseq',
    [accountId],
  );
  return rows.map((r) => r.v);
}

beforeAll(async () => {
  ctx = await ledgerTestContext('rebuild');
  pipeline = await startEventPipeline(ctx, logger);
  rebuilder = new Rebuilder(ctx.pool, ledgerProjections(), new EventReader(), logger);
  [big] = planLoad('acct-big-', 1, 500, 6, 8);
  [small] = planLoad('acct-small-', 1, 30, 7);
  expect(big.events.length).toBeGreaterThanOrEqual(1000);
  // Each account's commands one at a time, as its partition would deliver them; the small account alongside.
  await runLoadLocally(pipeline.run, [big, small]);
  await pollUntil(
    'the background projector to apply both accounts',
    async () => {
      const problems = [
        ...(await historyViolations(ctx.pool, big.accountId)),
        ...(await historyViolations(ctx.pool, small.accountId)),
      ];
      return problems.length === 0 || problems.slice(0, 3).join('; ');
    },
    60_000,
  );
});

afterAll(async () => {
  await pipeline?.stop();
  await ctx?.close();
});

describe('Rebuilder', () => {
  it('reproduces the read models of an account with over 1,000 events exactly', async () => {
    // Invariant 5: "Replaying an account's events from the log reproduces its read models exactly; an operator
    // command does this, and a test proves it on a realistic account."
    const head = big.events.length;
    const live = await readModels(ctx.pool, big.accountId);
    expect(live.ledger_history).toHaveLength(head);
    const smallBefore = await readModels(ctx.pool, small.accountId);

    const verified = await rebuilder.rebuildAccount(big.accountId, { verify: true });
    expect(verified).toMatchObject({
      accountId: big.accountId,
      events: head,
      committed: false,
      differences: [],
    });

    const versionsBefore = await historyRowVersions(ctx.pool, big.accountId);
    const progress: Array<[number, number]> = [];
    const rebuilt = await rebuilder.rebuildAccount(big.accountId, {
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(rebuilt).toMatchObject({ events: head, committed: true, differences: [] });
    expect(progress.at(-1)).toEqual([head, head]);
    // The rows were really written again (new row versions), and they equal the live ones.
    const versionsAfter = await historyRowVersions(ctx.pool, big.accountId);
    expect(versionsAfter.filter((v, i) => v === versionsBefore[i])).toEqual([]);
    expect(await readModels(ctx.pool, big.accountId)).toEqual(live);
    // Other accounts are untouched.
    expect(await readModels(ctx.pool, small.accountId)).toEqual(smallBefore);
  });

  it('--verify lists a read-model row changed by hand, and a rebuild puts it right', async () => {
    // Invariant 5, and the operator's `--verify`: a difference between the live read model and a replay is reported
    // row by row without changing anything; a real rebuild restores the replayed rows.
    const live = await readModels(ctx.pool, big.accountId);
    await ctx.pool.query(
      'UPDATE ledger_history SET running_total = running_total + 1000 WHERE account_id = $1 AND modseq = 500',
      [big.accountId],
    );
    await ctx.pool.query('UPDATE ledger_balances SET balance = balance - 1 WHERE account_id = $1', [
      big.accountId,
    ]);
    const tampered = await readModels(ctx.pool, big.accountId);

    const report = await rebuilder.rebuildAccount(big.accountId, { verify: true });
    const history = live.ledger_history[499] as { running_total: number };
    const balance = live.ledger_balances[0] as { balance: number };
    expect(report.committed).toBe(false);
    expect(report.differences).toHaveLength(2);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        {
          table: 'ledger_history',
          onlyLive: [{ ...history, running_total: history.running_total + 1000 }],
          onlyRebuilt: [history],
        },
        {
          table: 'ledger_balances',
          onlyLive: [{ ...balance, balance: balance.balance - 1 }],
          onlyRebuilt: [balance],
        },
      ]),
    );
    // Verify rolled back: the tampered rows are still there.
    expect(await readModels(ctx.pool, big.accountId)).toEqual(tampered);

    const fixed = await rebuilder.rebuildAccount(big.accountId);
    expect(fixed.committed).toBe(true);
    expect(await readModels(ctx.pool, big.accountId)).toEqual(live);
    expect((await rebuilder.rebuildAccount(big.accountId, { verify: true })).differences).toEqual([]);
  });

  it('leaves the background projector at the head, so later events are applied once', async () => {
    // Invariant 3 across a rebuild: the replay records the projector's position, so events published after it are
    // applied exactly once and the ones before it are not applied again.
    const more = [1, 2, 3].map((amount) => ledgerCommand(big.accountId, { type: 'Deposit', amount }));
    for (const command of more) await pipeline.run(command);
    await pollUntil(
      'the projector to apply the new events',
      async () => {
        const problems = [
          ...(await historyViolations(ctx.pool, big.accountId)),
          ...(await inlineViolations(ctx.pool, big.accountId)),
        ];
        return problems.length === 0 || problems.slice(0, 3).join('; ');
      },
      30_000,
    );
    const { rows } = await ctx.pool.query<{ position: number }>(
      'SELECT position FROM projector_positions WHERE projector = $1 AND account_id = $2',
      [HISTORY_PROJECTOR, big.accountId],
    );
    expect(rows[0].position).toBe(big.events.length + 3);
  });
});
