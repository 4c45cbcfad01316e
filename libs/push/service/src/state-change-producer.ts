/**
 * Turns one account's committed events (consumer group "push" on the events topic) into StateChanges: publishes
 * them on the statechanges topic for the gateways' EventSource and WebSocket clients, and queues them for the
 * account's PushSubscriptions.
 *
 * Inline-projected types take the modseq of the last event that moved them. A background-projected type
 * (BACKGROUND_TYPES, e.g. Thread) is published separately once its projector has applied the events (bounded
 * wait, then its state is read from the change log), so the inline types are never held up by a projector.
 */
import { ProjectionTimeoutError, typeState, waitForProjection, type PublishedEvent } from '@jmap/event-store';
import type { StateChangePublisher } from '@jmap/messaging';
import type { Logger, Metrics, Pool } from '@jmap/platform';
import type { PushSubscriptionRepository } from '@jmap/push-data-access';
import {
  BACKGROUND_TYPES,
  filterStates,
  inlineStates,
  toStateStrings,
  type BackgroundType,
  type DeliveryDetector,
  type TypeStates,
} from '@jmap/push-domain';
import type { PushDeliveryQueue } from './push-delivery-queue.js';

/** Builds the EmailDelivery detector for one account's run of events (may read the account's mailboxes). */
export type DeliveryDetectorFactory = (accountId: string, events: readonly PublishedEvent[]) => Promise<DeliveryDetector>;

/**
 * The default EmailDelivery hook (RFC 8621 section 1.5): an EmailCreated that puts a message that is not a draft
 * into a mailbox with the inbox role. Replace it when the email domain records how a message arrived.
 */
export function inboxDeliveryDetector(pool: Pool): DeliveryDetectorFactory {
  return async (accountId, events) => {
    const created = events.filter((e) => e.type === 'EmailCreated');
    if (created.length === 0) return () => false;
    const { rows } = await pool.query<{ id: string }>("SELECT id FROM mailboxes WHERE account_id = $1 AND role = 'inbox'", [accountId]);
    const inboxes = new Set(rows.map((r) => r.id));
    return (e) => {
      if (e.type !== 'EmailCreated') return false;
      const data = e.data as { mailboxIds?: unknown; keywords?: unknown };
      const mailboxIds = Array.isArray(data.mailboxIds) ? data.mailboxIds : Object.keys((data.mailboxIds as object | null) ?? {});
      const keywords = Array.isArray(data.keywords) ? data.keywords : Object.keys((data.keywords as object | null) ?? {});
      return mailboxIds.some((id) => inboxes.has(String(id))) && !keywords.includes('$draft');
    };
  };
}

export class StateChangeProducer {
  private readonly background = new Set<Promise<void>>();
  private readonly published;

  constructor(
    private readonly pool: Pool,
    private readonly publisher: StateChangePublisher,
    private readonly repo: PushSubscriptionRepository,
    private readonly queue: PushDeliveryQueue,
    private readonly options: { projectionWaitMs: number; backgroundTypes?: Readonly<Record<string, BackgroundType>>; detector?: DeliveryDetectorFactory },
    metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.published = metrics.counter('jmap_push_state_changes_total', 'StateChanges published by the push service, by kind', ['kind']);
  }

  /** Handles one account's events, in modseq order. */
  async handle(records: readonly PublishedEvent[]): Promise<void> {
    if (records.length === 0) return;
    const accountId = records[0].accountId;
    const last = records[records.length - 1];
    const detect = this.options.detector ?? inboxDeliveryDetector(this.pool);
    const states = inlineStates(records, await detect(accountId, records));
    if (Object.keys(states).length > 0) await this.emit(accountId, states, last.modseq, last.recordedAt, 'inline');
    for (const [type, spec] of Object.entries(this.options.backgroundTypes ?? BACKGROUND_TYPES)) {
      if (!spec.triggeredBy.some((t) => t in states)) continue;
      const task = this.backgroundState(accountId, type, spec, records[0].modseq, last)
        .catch((err: unknown) => this.logger.warn({ err, accountId, type }, 'background type state change failed'))
        .finally(() => this.background.delete(task));
      this.background.add(task);
    }
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.background]);
  }

  private async backgroundState(accountId: string, type: string, spec: BackgroundType, first: number, last: PublishedEvent): Promise<void> {
    try {
      await waitForProjection(this.pool, accountId, spec.projector, this.options.projectionWaitMs, last.modseq);
    } catch (err) {
      if (!(err instanceof ProjectionTimeoutError)) throw err;
      this.logger.warn({ accountId, type, projector: spec.projector }, 'projector did not catch up in time; no StateChange for the type');
      return;
    }
    const state = await typeState(this.pool, accountId, type);
    // Older than this run of events: the projector applied them without changing the type.
    if (state < first) return;
    await this.emit(accountId, { [type]: state }, Math.max(state, last.modseq), last.recordedAt, 'background');
  }

  private async emit(accountId: string, states: TypeStates, modseq: number, committedAt: string, kind: string): Promise<void> {
    await this.publisher.publish({ accountId, changed: toStateStrings(states), modseq, committedAt });
    this.published.inc({ kind });
    for (const target of await this.repo.targetsFor(accountId)) {
      const wanted = filterStates(states, target.types === null ? null : new Set(target.types));
      const fresh: TypeStates = {};
      for (const [type, state] of Object.entries(wanted)) if (state > (target.sent[type] ?? 0)) fresh[type] = state;
      if (Object.keys(fresh).length > 0) this.queue.enqueueStateChange(target.id, target, accountId, fresh);
    }
  }
}
