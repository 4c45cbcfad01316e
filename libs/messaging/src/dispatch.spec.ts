import { DomainError, PermanentCommandError } from '@jmap/event-store';
import { createLogger } from '@jmap/platform';
import { describe, expect, it } from 'vitest';
import { dispatchCommand } from './dispatch.js';
import type { CommandEnvelope, CommandError } from './types.js';

const logger = createLogger('dispatch-test', 'silent');
const command: CommandEnvelope = {
  commandId: 'cmd-1',
  accountId: 'acct-1',
  type: 'Ledger/Deposit',
  payload: { amount: 1 },
  issuedAt: '2024-01-01T00:00:00.000Z',
};

/** A handler that fails with the given errors in turn, then succeeds with `result`; counts its calls. */
function scripted(errors: unknown[], result: unknown = { ok: 1 }) {
  let calls = 0;
  const handler = async () => {
    const err = errors[calls++];
    if (err !== undefined) throw err;
    return result;
  };
  return { handler, calls: () => calls };
}

function deadLetters() {
  const seen: Array<{ command: CommandEnvelope; error: CommandError }> = [];
  return {
    seen,
    deadLetter: async (c: CommandEnvelope, error: CommandError) => void seen.push({ command: c, error }),
  };
}

describe('dispatchCommand', () => {
  it('replies with the handler’s result, null for none', async () => {
    const dl = deadLetters();
    expect(
      await dispatchCommand(async () => ({ id: 'x' }), command, { maxAttempts: 3, logger, ...dl }),
    ).toEqual({
      commandId: 'cmd-1',
      ok: true,
      result: { id: 'x' },
    });
    expect(await dispatchCommand(async () => undefined, command, { maxAttempts: 3, logger, ...dl })).toEqual({
      commandId: 'cmd-1',
      ok: true,
      result: null,
    });
    expect(dl.seen).toEqual([]);
  });

  it('maps each DomainError kind to its JMAP error once, without retrying or dead-lettering', async () => {
    // STYLE.md 6: "domain errors are mapped once, at the method boundary"; a rejected command is a reply, not a failure.
    const cases: Array<[DomainError['kind'], string]> = [
      ['validation', 'invalidArguments'],
      ['illegalState', 'invalidArguments'],
      ['notFound', 'notFound'],
      ['concurrency', 'stateMismatch'],
    ];
    for (const [kind, type] of cases) {
      const dl = deadLetters();
      const h = scripted([new DomainError(kind, `bad ${kind}`)]);
      const reply = await dispatchCommand(h.handler, command, { maxAttempts: 3, logger, ...dl });
      expect(reply).toEqual({ commandId: 'cmd-1', ok: false, error: { type, description: `bad ${kind}` } });
      expect(h.calls()).toBe(1);
      expect(dl.seen).toEqual([]);
    }
  });

  it('retries a failing handler and replies with its result once it succeeds', async () => {
    const dl = deadLetters();
    const h = scripted([new Error('flaky'), Object.assign(new Error('deadlock'), { code: '40P01' })], {
      done: true,
    });
    const reply = await dispatchCommand(h.handler, command, { maxAttempts: 3, logger, ...dl });
    expect(reply).toEqual({ commandId: 'cmd-1', ok: true, result: { done: true } });
    expect(h.calls()).toBe(3);
    expect(dl.seen).toEqual([]);
  });

  it('dead-letters a command that fails on every attempt, once, with serverFail', async () => {
    // STYLE.md 7: "a message that can never succeed goes to a dead-letter topic with its error".
    const dl = deadLetters();
    const h = scripted([new Error('boom'), new Error('boom'), new Error('boom'), new Error('boom')]);
    const reply = await dispatchCommand(h.handler, command, { maxAttempts: 3, logger, ...dl });
    expect(h.calls()).toBe(3);
    expect(reply).toEqual({
      commandId: 'cmd-1',
      ok: false,
      error: { type: 'serverFail', description: 'boom' },
    });
    expect(dl.seen).toEqual([{ command, error: { type: 'serverFail', description: 'boom' } }]);
  });

  it('dead-letters a PermanentCommandError at once', async () => {
    const dl = deadLetters();
    const h = scripted([new PermanentCommandError('never')]);
    const reply = await dispatchCommand(h.handler, command, { maxAttempts: 5, logger, ...dl });
    expect(h.calls()).toBe(1);
    expect(reply).toMatchObject({ ok: false, error: { type: 'serverFail', description: 'never' } });
    expect(dl.seen).toHaveLength(1);
  });

  it('answers serverUnavailable when a transient database error outlasts the attempts', async () => {
    const dl = deadLetters();
    const serialization = () => Object.assign(new Error('could not serialize access'), { code: '40001' });
    const h = scripted([serialization(), serialization()]);
    const reply = await dispatchCommand(h.handler, command, { maxAttempts: 2, logger, ...dl });
    expect(h.calls()).toBe(2);
    expect(reply).toMatchObject({ ok: false, error: { type: 'serverUnavailable' } });
    expect(dl.seen.map((d) => d.error.type)).toEqual(['serverUnavailable']);
  });

  it('reports a thrown non-Error by its string form', async () => {
    const dl = deadLetters();
    const reply = await dispatchCommand(
      async () => {
        throw 'plain string';
      },
      command,
      { maxAttempts: 1, logger, ...dl },
    );
    expect(reply).toEqual({
      commandId: 'cmd-1',
      ok: false,
      error: { type: 'serverFail', description: 'plain string' },
    });
  });
});
