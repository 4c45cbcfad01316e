/**
 * The command processor on the real PostgreSQL: per-account serialized appends, the atomic write, and idempotent
 * command ids (invariants 1, 2 and 3).
 */
import { CommandProcessor, DomainError, ProjectionRegistry, type Projection } from '@jmap/event-store';
import { Metrics } from '@jmap/platform';
import { testLogger } from '@jmap/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  inlineViolations,
  ledgerLog,
  logViolations,
} from '../../../tests/fixtures/ledger-service/ledger.audit.js';
import { ledgerCommand } from '../../../tests/fixtures/ledger-service/ledger.commands.js';
import {
  ledgerTestContext,
  type LedgerTestContext,
} from '../../../tests/fixtures/ledger-service/ledger.context.js';
import {
  handleLedgerCommand,
  type LedgerReply,
} from '../../../tests/fixtures/ledger-service/ledger.handler.js';
import {
  balanceProjection,
  entriesProjection,
  ledgerProjections,
} from '../../../tests/fixtures/ledger-service/ledger.projections.js';

const logger = testLogger('processor-test');
let ctx: LedgerTestContext;
let processor: CommandProcessor;

beforeAll(async () => {
  ctx = await ledgerTestContext('processor');
  processor = new CommandProcessor(ctx.pool, ledgerProjections(), new Metrics('processor'), logger);
});

afterAll(async () => {
  await ctx?.close();
});

async function rowCounts(accountId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [
    'events',
    'outbox',
    'changes',
    'processed_commands',
    'ledger_balances',
    'ledger_entries',
  ]) {
    const { rows } = await ctx.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE account_id = $1`,
      [accountId],
    );
    out[table] = rows[0].n;
  }
  return out;
}

describe('CommandProcessor', () => {
  it('serializes concurrent commands for one account into a contiguous log', async () => {
    // Invariant 1: "Appends for one account are serialized ... different accounts never wait on each other."
    const accounts = ['acct-serial-1', 'acct-serial-2'];
    const commands = accounts.flatMap((a) =>
      Array.from({ length: 40 }, (_, i) => ledgerCommand(a, { type: 'Deposit', amount: i + 1 })),
    );
    const replies = await Promise.all(commands.map((c) => handleLedgerCommand(processor, c, 'local')));
    for (const account of accounts) {
      const mine = replies.filter((_, i) => commands[i].accountId === account);
      expect(mine.map((r) => r.modseq).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      expect(await logViolations(ctx.pool, account)).toEqual([]);
      expect(await inlineViolations(ctx.pool, account)).toEqual([]);
      expect((await ledgerLog(ctx.pool, account)).at(-1)?.balance).toBe((40 * 41) / 2);
    }
  });

  it('writes nothing when an inline projection fails: events, read models, changes, outbox and command id go together', async () => {
    // Invariant 2: "A command's events, the inline projections ..., the per-type change log ... and the outbox row
    // ... are written in one Postgres transaction."
    const failing: Projection = {
      name: 'fails-on-13',
      mode: 'inline',
      tables: [],
      async apply(_tx, e) {
        if ((e.event.data as { delta: number }).delta === 13) throw new Error('projection failed');
      },
    };
    const fragile = new CommandProcessor(
      ctx.pool,
      new ProjectionRegistry().register(balanceProjection, entriesProjection, failing),
      new Metrics('fragile'),
      logger,
    );
    const account = 'acct-atomic';
    await handleLedgerCommand(fragile, ledgerCommand(account, { type: 'Deposit', amount: 1 }), 'local');
    const before = await rowCounts(account);
    await expect(
      handleLedgerCommand(
        fragile,
        ledgerCommand(account, { type: 'DepositMany', amounts: [2, 13] }),
        'local',
      ),
    ).rejects.toThrow('projection failed');
    expect(await rowCounts(account)).toEqual(before);
    expect(await logViolations(ctx.pool, account)).toEqual([]);
    expect(await inlineViolations(ctx.pool, account)).toEqual([]);
  });

  it('appends once when the same command id is handled twice at once, and returns the same reply', async () => {
    // Invariant 3: "Every command carries an id; handling it twice ... has the effect of handling it once and
    // returns the same result."
    const account = 'acct-same-id';
    const command = ledgerCommand(account, { type: 'Deposit', amount: 3 });
    const outcomes = await Promise.all(
      [1, 2].map(() =>
        processor.handle<LedgerReply>(
          { accountId: account, commandId: command.commandId, type: command.type },
          async (c) => ({
            events: [
              { type: 'LedgerDeposited', v: 1, data: { entryId: c.ids.next('L'), delta: 3, balance: 3 } },
            ],
            reply: (appended) => ({
              modseq: appended[0].modseq,
              balance: 3,
              entryIds: [],
              handledBy: 'local',
            }),
          }),
        ),
      ),
    );
    expect(outcomes.map((o) => o.duplicate).sort()).toEqual([false, true]);
    expect(outcomes[0].reply).toEqual(outcomes[1].reply);
    expect((await ledgerLog(ctx.pool, account)).map((e) => e.commandId)).toEqual([command.commandId]);
    expect(await inlineViolations(ctx.pool, account)).toEqual([]);
  });

  it('rejects a command id again after the state changed, once it was rejected', async () => {
    // Invariant 3: handling a command twice "returns the same result". A rejected withdrawal redelivered after a
    // deposit (a replica killed after replying, before committing its Kafka offset) must not go through on the
    // second delivery: the client was told it failed.
    const account = 'acct-rejected';
    const withdraw = ledgerCommand(account, { type: 'Withdraw', amount: 50 });
    await expect(handleLedgerCommand(processor, withdraw, 'local')).rejects.toMatchObject({
      kind: 'validation',
      message: 'insufficient funds',
    });
    await handleLedgerCommand(processor, ledgerCommand(account, { type: 'Deposit', amount: 100 }), 'local');

    const again = await handleLedgerCommand(processor, withdraw, 'local').catch((err: unknown) => err);
    expect(again).toBeInstanceOf(DomainError);
    expect(again).toMatchObject({ kind: 'validation', message: 'insufficient funds' });
    expect((await ledgerLog(ctx.pool, account)).map((e) => e.type)).toEqual(['LedgerDeposited']);
  });

  it('answers with the outcome a concurrent delivery committed while its own rejection waited to be recorded', async () => {
    // A rejection is recorded in a transaction of its own, after the deciding one is rolled back. If another
    // delivery of the same command id got the lock in between and committed an outcome, that outcome is the
    // command's (invariant 3: one result per command id), not a second, contradicting, rejection.
    const account = 'acct-reject-race';
    const meta = { accountId: account, commandId: 'reject-race', type: 'Test' };
    let second: Promise<unknown> | undefined;
    const first = processor.handle<LedgerReply>(meta, async () => {
      // The second delivery starts while this one holds the account lock, and queues for it.
      second = processor.handle<LedgerReply>(meta, async (c) => ({
        events: [{ type: 'LedgerDeposited', v: 1, data: { entryId: c.ids.next('L'), delta: 5, balance: 5 } }],
        reply: (appended) => ({ modseq: appended[0].modseq, balance: 5, entryIds: [], handledBy: 'local' }),
      }));
      await new Promise((r) => setTimeout(r, 300));
      throw new DomainError('illegalState', 'rejected while another delivery waits');
    });
    const [a, b] = await Promise.all([first, first.then(() => second)]);
    expect(b).toMatchObject({ duplicate: false, reply: { balance: 5 } });
    expect(a).toMatchObject({ duplicate: true, reply: (b as { reply: unknown }).reply });
    expect((await ledgerLog(ctx.pool, account)).map((e) => e.type)).toEqual(['LedgerDeposited']);
    const { rows } = await ctx.pool.query<{ reply: unknown }>(
      'SELECT reply FROM processed_commands WHERE account_id = $1 AND command_id = $2',
      [account, meta.commandId],
    );
    expect(rows.map((r) => r.reply)).toEqual([(b as { reply: unknown }).reply]);
  });

  it('commits only the rejection when a decider wrote something before rejecting', async () => {
    // Invariant 2: nothing but the recorded rejection outlives a rejected command.
    const account = 'acct-rejected-write';
    const before = await rowCounts(account);
    const rejected = processor.handle(
      { accountId: account, commandId: 'reject-after-write', type: 'Test' },
      async (c) => {
        await c.tx.query(
          "INSERT INTO ledger_entries (account_id, entry_id, amount, modseq) VALUES ($1, 'stray', 1, 1)",
          [account],
        );
        throw new DomainError('illegalState', 'rejected after a write');
      },
    );
    await expect(rejected).rejects.toMatchObject({ kind: 'illegalState' });
    expect(await rowCounts(account)).toEqual({
      ...before,
      processed_commands: before.processed_commands + 1,
    });
  });
});
