/**
 * Read-your-writes against a slow background projection on the real PostgreSQL and Kafka (invariant 4; issue
 * #4, "Done when" 7).
 */
import { projectorPosition, ProjectionTimeoutError, waitForProjection } from '@jmap/event-store';
import { testLogger } from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerCommand } from '../../../tests/fixtures/ledger-service/ledger.commands.js';
import {
  ledgerTestContext,
  type LedgerTestContext,
} from '../../../tests/fixtures/ledger-service/ledger.context.js';
import {
  startEventPipeline,
  type EventPipeline,
} from '../../../tests/fixtures/ledger-service/ledger.pipeline.js';
import { HISTORY_PROJECTOR } from '../../../tests/fixtures/ledger-service/ledger.projections.js';

const logger = testLogger('read-consistency-test');
let ctx: LedgerTestContext;
let pipeline: EventPipeline;

beforeAll(async () => {
  ctx = await ledgerTestContext('ryw');
  // Every batch waits 300 ms before the projector applies it.
  pipeline = await startEventPipeline(ctx, logger, { projectorDelayMs: 300 });
});

afterAll(async () => {
  await pipeline?.stop();
  await ctx?.close();
});

async function historyRow(accountId: string, modseq: number) {
  const { rows } = await ctx.pool.query<{ running_total: number }>(
    'SELECT running_total FROM ledger_history WHERE account_id = $1 AND modseq = $2',
    [accountId, modseq],
  );
  return rows[0];
}

describe('waitForProjection', () => {
  it('makes a read after a write see the write although the background projection lags', async () => {
    // Invariant 4: "after a write that the client has seen acknowledged, reads reflect that write (wait for the
    // projection to reach the write's position, with a bounded wait and a clear error past it)."
    const account = 'acct-ryw';
    for (let i = 1; i <= 4; i++) {
      const reply = await pipeline.run(ledgerCommand(account, { type: 'Deposit', amount: i }));
      // The slow projection has not applied the write yet: a read now would miss it.
      expect(await projectorPosition(ctx.pool, HISTORY_PROJECTOR, account)).toBeLessThan(reply.modseq);
      expect(await historyRow(account, reply.modseq)).toBeUndefined();

      await waitForProjection(ctx.pool, account, HISTORY_PROJECTOR, 10_000);
      expect(await historyRow(account, reply.modseq)).toEqual({ running_total: reply.balance });
    }
  });

  it('waits for a given position too (a write acknowledged to the client)', async () => {
    // Invariant 4: the state a client saw acknowledged is the position to wait for (minPosition).
    const account = 'acct-ryw-min';
    const reply = await pipeline.run(ledgerCommand(account, { type: 'DepositMany', amounts: [5, 6] }));
    expect(await historyRow(account, reply.modseq)).toBeUndefined();
    await waitForProjection(ctx.pool, account, HISTORY_PROJECTOR, 10_000, reply.modseq);
    expect(await historyRow(account, reply.modseq)).toEqual({ running_total: 11 });
  });

  it('throws ProjectionTimeoutError after the bound when the projector is stopped', async () => {
    // Invariant 4: "with a bounded wait and a clear error past it".
    const account = 'acct-stopped';
    const first = await pipeline.run(ledgerCommand(account, { type: 'Deposit', amount: 1 }));
    await waitForProjection(ctx.pool, account, HISTORY_PROJECTOR, 10_000);
    await pipeline.stopProjector();
    const second = await pipeline.run(ledgerCommand(account, { type: 'Deposit', amount: 2 }));

    const started = Date.now();
    const error = await waitForProjection(ctx.pool, account, HISTORY_PROJECTOR, 500).catch(
      (err: unknown) => err,
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(ProjectionTimeoutError);
    expect(error).toMatchObject({
      projector: HISTORY_PROJECTOR,
      accountId: account,
      head: second.modseq,
      position: first.modseq,
    });
    expect(elapsed).toBeGreaterThanOrEqual(500);
    expect(elapsed).toBeLessThan(2000);
  });
});
