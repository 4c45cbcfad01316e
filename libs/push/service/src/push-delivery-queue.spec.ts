import { describe, expect, it } from 'vitest';
import { createLogger, Metrics } from '@jmap/platform';
import type { PushSubscriptionRepository } from '@jmap/push-data-access';
import { PushDeliveryQueue } from './push-delivery-queue.js';
import type { PostOutcome, WebPushSender } from './web-push-sender.js';

function setup(outcomes: PostOutcome[]) {
  const posts: unknown[] = [];
  const calls: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const sender = {
    post: async (_t: unknown, message: unknown) => {
      posts.push(message);
      if (posts.length === 1) await gate;
      return outcomes.shift() ?? { kind: 'ok' };
    },
  } as unknown as WebPushSender;
  const repo = {
    recordSent: async (id: string, accountId: string, states: unknown) => void calls.push(`sent ${id} ${accountId} ${JSON.stringify(states)}`),
    recordFailure: async (id: string) => (calls.push(`failure ${id}`), false),
    remove: async (id: string) => void calls.push(`remove ${id}`),
  } as unknown as PushSubscriptionRepository;
  const queue = new PushDeliveryQueue(sender, repo, { attempts: 3, retryBaseMs: 1, failuresBeforeRemoval: 5 }, new Metrics('test'), createLogger('test', 'silent'));
  return { queue, posts, calls, release };
}

const target = { url: 'https://push.example/x', keys: null };
const settle = () => new Promise((r) => setTimeout(r, 30));

describe('PushDeliveryQueue', () => {
  it('sends the verification first and coalesces StateChanges queued while a message is in flight', async () => {
    const { queue, posts, calls, release } = setup([]);
    queue.enqueueVerification('P1', target, 'code');
    queue.enqueueStateChange('P1', target, 'a1', { Mailbox: 5 });
    queue.enqueueStateChange('P1', target, 'a1', { Mailbox: 7, Email: 6 });
    queue.enqueueStateChange('P1', target, 'a2', { Mailbox: 2 });
    release();
    await settle();
    expect(posts).toEqual([
      { '@type': 'PushVerification', pushSubscriptionId: 'P1', verificationCode: 'code' },
      { '@type': 'StateChange', changed: { a1: { Mailbox: '7', Email: '6' }, a2: { Mailbox: '2' } } },
    ]);
    expect(calls).toEqual(['sent P1 a1 {"Mailbox":7,"Email":6}', 'sent P1 a2 {"Mailbox":2}']);
  });

  it('retries with backoff, counts a message that failed every attempt, and destroys a subscription that is gone', async () => {
    const retry: PostOutcome = { kind: 'retry', reason: 'HTTP 503' };
    const { queue, posts, calls, release } = setup([retry, retry, retry, { kind: 'gone', status: 410 }]);
    release();
    queue.enqueueStateChange('P2', target, 'a1', { Mailbox: 1 });
    await settle();
    expect(posts).toHaveLength(3);
    expect(calls).toEqual(['failure P2']);
    queue.enqueueStateChange('P2', target, 'a1', { Mailbox: 2 });
    await settle();
    expect(calls).toEqual(['failure P2', 'remove P2']);
  });
});
