import { Metrics, createLogger, type Counter } from '@jmap/platform';
import { describe, expect, it } from 'vitest';
import { InProcessHub, KeyedSerialQueue } from './in-process.js';
import { CommandFailedError, type CommandEnvelope } from './types.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fails the test instead of hanging when `p` never settles. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms)),
  ]);
}

describe('KeyedSerialQueue', () => {
  it('runs the tasks of one key one at a time, in the order they were queued', async () => {
    // The in-process transport's stand-in for a Kafka partition: one account's commands in arrival order.
    const q = new KeyedSerialQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      q.run('a', task('1', 30)),
      q.run('a', task('2', 5)),
      q.run('a', task('3', 0)),
    ]);
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('runs different keys at the same time', async () => {
    // A task on key "a" waits for one on key "b": if keys were serialized together this would never finish.
    const q = new KeyedSerialQueue();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const a = q.run('a', async () => {
      await gate;
      return 'a';
    });
    const b = q.run('b', async () => {
      open();
      return 'b';
    });
    expect(await within(Promise.all([a, b]), 1000)).toEqual(['a', 'b']);
  });

  it('goes on with the next task of a key after one fails', async () => {
    const q = new KeyedSerialQueue();
    const failed = q.run('a', async () => {
      throw new Error('task failed');
    });
    const next = q.run('a', async () => 'next');
    await expect(failed).rejects.toThrow('task failed');
    expect(await next).toBe('next');
  });
});

describe('InProcessHub', () => {
  const envelope = (
    accountId: string,
    n: number,
    payload: unknown = n,
  ): Omit<CommandEnvelope, 'replyTo' | 'attempt'> => ({
    commandId: `${accountId}-${n}`,
    accountId,
    type: 'Test',
    payload,
    issuedAt: new Date(0).toISOString(),
  });

  it('dead-letters a command that always fails, counts it, and runs the account’s later commands', async () => {
    // STYLE.md 7, the same contract as the Kafka consumer: the poison is dead-lettered and counted, the rest go on.
    const metrics = new Metrics('hub-test');
    const hub = new InProcessHub(metrics, createLogger('hub-test', 'silent'), 2);
    const handled: unknown[] = [];
    await hub.commandConsumer().start('svc', async (c) => {
      if (c.payload === 'poison') throw new Error('poisoned');
      handled.push(c.payload);
      return c.payload;
    });
    const bus = hub.commandBus();
    const poison = bus.send('svc', envelope('acct', 0, 'poison'));
    const later = [1, 2, 3].map((n) => bus.send('svc', envelope('acct', n)));
    await expect(poison).rejects.toBeInstanceOf(CommandFailedError);
    expect(await Promise.all(later)).toEqual([1, 2, 3]);
    expect(handled).toEqual([1, 2, 3]);
    const counter = metrics.registry.getSingleMetric('jmap_dead_letters_total') as Counter<string>;
    expect((await counter.get()).values).toEqual([
      expect.objectContaining({ labels: { topic: 'commands.dlq', reason: 'serverFail' }, value: 1 }),
    ]);
  });

  it('answers serverUnavailable when no consumer runs the service', async () => {
    const hub = new InProcessHub(new Metrics('hub-test'), createLogger('hub-test', 'silent'));
    await expect(hub.commandBus().send('nobody', envelope('acct', 1))).rejects.toMatchObject({
      error: { type: 'serverUnavailable' },
    });
  });
});
