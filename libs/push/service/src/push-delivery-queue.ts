/**
 * Push deliveries to PushSubscription URLs: one message in flight per subscription, newer StateChanges for a
 * subscription coalesced into the next message while one is in flight (RFC 8620 section 7: pushes may be
 * coalesced and rate limited), retries with exponential backoff (a 429's Retry-After wins when longer), and at
 * most MAX_IN_FLIGHT POSTs at once per push service replica. What is queued lives in memory: a replica that
 * dies loses at most the pushes in its queue, which the RFC tolerates ("It doesn't matter if some push events
 * are dropped"), while the states already sent are recorded so that a recomputed StateChange is not sent twice.
 */
import type { Logger, Metrics } from '@jmap/platform';
import type { PushSubscriptionRepository } from '@jmap/push-data-access';
import { EMAIL_DELIVERY, toStateStrings, type AccountStates, type TypeStates } from '@jmap/push-domain';
import type { PushTarget, WebPushSender } from './web-push-sender.js';

const MAX_IN_FLIGHT = 32;

export interface DeliveryOptions {
  attempts: number;
  retryBaseMs: number;
  failuresBeforeRemoval: number;
}

interface Slot {
  target: PushTarget;
  verification: Record<string, unknown> | null;
  pending: AccountStates;
  running: boolean;
}

export class PushDeliveryQueue {
  private readonly slots = new Map<string, Slot>();
  private readonly workers = new Set<Promise<void>>();
  private readonly waiting: Array<() => void> = [];
  private inFlight = 0;
  private stopped = false;
  private readonly deliveries;

  constructor(
    private readonly sender: WebPushSender,
    private readonly repo: PushSubscriptionRepository,
    private readonly options: DeliveryOptions,
    metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.deliveries = metrics.counter('jmap_push_deliveries_total', 'Push messages POSTed to PushSubscription URLs, by outcome', ['outcome']);
    for (const outcome of ['ok', 'retry', 'failed', 'gone']) this.deliveries.inc({ outcome }, 0);
  }

  /** The PushVerification object (RFC 8620 section 7.2.2), sent before anything else. */
  enqueueVerification(id: string, target: PushTarget, verificationCode: string): void {
    const slot = this.slot(id, target);
    slot.verification = { '@type': 'PushVerification', pushSubscriptionId: id, verificationCode };
    this.run(id, slot);
  }

  enqueueStateChange(id: string, target: PushTarget, accountId: string, states: TypeStates): void {
    const slot = this.slot(id, target);
    const pending = (slot.pending[accountId] ??= {});
    for (const [type, state] of Object.entries(states)) pending[type] = Math.max(pending[type] ?? 0, state);
    this.run(id, slot);
  }

  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    await Promise.race([Promise.allSettled([...this.workers]), new Promise((r) => setTimeout(r, timeoutMs))]);
  }

  private slot(id: string, target: PushTarget): Slot {
    let slot = this.slots.get(id);
    if (!slot) {
      slot = { target, verification: null, pending: {}, running: false };
      this.slots.set(id, slot);
    }
    return slot;
  }

  private run(id: string, slot: Slot): void {
    if (slot.running || this.stopped) return;
    slot.running = true;
    const worker = this.drain(id, slot)
      .catch((err: unknown) => this.logger.error({ err, pushSubscriptionId: id }, 'push delivery failed unexpectedly'))
      .finally(() => {
        slot.running = false;
        this.workers.delete(worker);
        if (slot.verification === null && Object.keys(slot.pending).length === 0) this.slots.delete(id);
        else if (!this.stopped) this.run(id, slot);
      });
    this.workers.add(worker);
  }

  private async drain(id: string, slot: Slot): Promise<void> {
    while (!this.stopped) {
      if (slot.verification) {
        const message = slot.verification;
        slot.verification = null;
        await this.deliver(id, slot.target, message, 'normal');
        continue;
      }
      const accounts = slot.pending;
      if (Object.keys(accounts).length === 0) return;
      slot.pending = {};
      const changed = Object.fromEntries(Object.entries(accounts).map(([a, s]) => [a, toStateStrings(s)]));
      const urgent = Object.values(accounts).some((s) => EMAIL_DELIVERY in s);
      const ok = await this.deliver(id, slot.target, { '@type': 'StateChange', changed }, urgent ? 'high' : 'normal');
      if (ok) for (const [accountId, states] of Object.entries(accounts)) await this.repo.recordSent(id, accountId, states);
    }
  }

  /** Sends one message with retries; true when the push service accepted it. */
  private async deliver(id: string, target: PushTarget, message: unknown, urgency: 'normal' | 'high'): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.limited(() => this.sender.post(target, message, urgency));
      if (outcome.kind === 'ok') {
        this.deliveries.inc({ outcome: 'ok' });
        return true;
      }
      if (outcome.kind === 'gone') {
        this.deliveries.inc({ outcome: 'gone' });
        this.logger.info({ pushSubscriptionId: id, status: outcome.status }, 'push subscription gone at its push service; destroyed');
        await this.repo.remove(id);
        const slot = this.slots.get(id);
        if (slot) slot.pending = {};
        return false;
      }
      if (outcome.kind === 'retry' && attempt < this.options.attempts && !this.stopped) {
        this.deliveries.inc({ outcome: 'retry' });
        const delay = Math.max(outcome.afterMs ?? 0, this.options.retryBaseMs * 2 ** (attempt - 1));
        await new Promise((r) => setTimeout(r, Math.min(delay, 10 * 60_000)));
        continue;
      }
      this.deliveries.inc({ outcome: 'failed' });
      const removed = await this.repo.recordFailure(id, this.options.failuresBeforeRemoval);
      this.logger.warn({ pushSubscriptionId: id, reason: outcome.reason, attempt, removed }, 'push message not delivered');
      return false;
    }
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    while (this.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    try {
      return await task();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }
}
