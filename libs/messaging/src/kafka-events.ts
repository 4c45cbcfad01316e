/**
 * The events topic over Kafka: the outbox relay publishes each account's events in modseq order (key =
 * account id, one request in flight, so retries never reorder); subscribers are
 * consumer groups that get each account's consecutive events of a batch together, accounts in parallel.
 */
import type { Consumer, Producer } from 'kafkajs';
import type { PublishedEvent } from '@jmap/event-store';
import type { Logger, Metrics } from '@jmap/platform';
import { FETCH_MAX_WAIT_MS, type KafkaConnection } from './kafka-client.js';
import { topics } from './topics.js';
import type { EventHandler, EventPublisher, EventSubscriber } from './types.js';

/** Largest serialized event sent with its data. */
export const MAX_EVENT_BYTES = 256 * 1024;
/** Largest sum of serialized events in one produce request (well under the broker's 1 MiB default). */
export const MAX_SEND_BYTES = 768 * 1024;

/** The events serialized, data left out where too large, grouped into sends of at most MAX_SEND_BYTES. */
export function chunkEvents(events: readonly PublishedEvent[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const e of events) {
    let value = JSON.stringify(e);
    if (Buffer.byteLength(value) > MAX_EVENT_BYTES) value = JSON.stringify({ ...e, data: {}, dataOmitted: true });
    const size = Buffer.byteLength(value);
    if (current.length > 0 && bytes + size > MAX_SEND_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(value);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class KafkaEventPublisher implements EventPublisher {
  private producer?: Producer;
  constructor(private readonly conn: KafkaConnection) {}

  async start(): Promise<void> {
    const t = topics(this.conn.settings.topicPrefix);
    await this.conn.ensureTopics([t.events]);
    // One request in flight keeps retries in order; duplicates from retries are skipped by consumers.
    this.producer = this.conn.kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
  }

  /**
   * Sends the events in order, in requests of at most MAX_SEND_BYTES: one account's events share a partition,
   * and the broker refuses a record batch over its message.max.bytes (1 MiB by default). An event over
   * MAX_EVENT_BYTES (an EmailCreated of a message with huge headers or thousands of parts) goes without its
   * data (`dataOmitted`); consumers that need it read it from the event log.
   */
  async publish(accountId: string, events: readonly PublishedEvent[]): Promise<void> {
    if (!this.producer) throw new Error('event publisher not started');
    for (const chunk of chunkEvents(events)) {
      await this.producer.send({
        topic: topics(this.conn.settings.topicPrefix).events,
        acks: -1,
        messages: chunk.map((value) => ({ key: accountId, value })),
      });
    }
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
  }
}

export interface EventSubscriberOptions {
  concurrency: number;
  maxAttempts: number;
}

export class KafkaEventSubscriber implements EventSubscriber {
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly deadLetters;

  constructor(
    private readonly conn: KafkaConnection,
    private readonly options: EventSubscriberOptions,
    metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.deadLetters = metrics.counter('jmap_dead_letters_total', 'Messages sent to a dead-letter topic', ['topic', 'reason']);
  }

  async subscribe(group: string, handler: EventHandler): Promise<void> {
    const t = topics(this.conn.settings.topicPrefix);
    await this.conn.ensureTopics([t.events]);
    await this.conn.ensureTopics([t.eventDeadLetters], 1);
    this.producer = this.conn.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = this.conn.kafka.consumer({
      groupId: `${this.conn.settings.topicPrefix}${group}`,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      sessionTimeout: this.conn.settings.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: t.events, fromBeginning: true });
    const producer = this.producer;
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.concurrency,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const byAccount = new Map<string, PublishedEvent[]>();
        for (const m of batch.messages) {
          try {
            const e = JSON.parse(m.value?.toString() ?? '') as PublishedEvent;
            const list = byAccount.get(e.accountId) ?? [];
            list.push(e);
            byAccount.set(e.accountId, list);
          } catch {
            this.logger.error({ offset: m.offset }, 'undecodable event skipped');
          }
        }
        const queue = [...byAccount.values()].map((l) => l.sort((a, b) => a.modseq - b.modseq));
        await Promise.all(
          Array.from({ length: Math.min(8, queue.length) }, async () => {
            for (let events = queue.shift(); events; events = queue.shift()) {
              if (!isRunning() || isStale()) return;
              await this.handleWithRetry(group, handler, events, producer, t.eventDeadLetters);
            }
          }),
        );
        if (!isRunning() || isStale()) return;
        resolveOffset(batch.lastOffset());
        await heartbeat();
      },
    });
  }

  private async handleWithRetry(
    group: string,
    handler: EventHandler,
    events: PublishedEvent[],
    producer: Producer,
    dlq: string,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(events);
        return;
      } catch (err) {
        if (attempt < this.options.maxAttempts) {
          this.logger.warn({ err, attempt, group, accountId: events[0].accountId }, 'event handler failed; retrying');
          await new Promise((r) => setTimeout(r, Math.min(2000, 25 * 2 ** attempt)));
          continue;
        }
        // The projector fills gaps from the event log, so a later event for this account retries these.
        this.logger.error({ err, group, accountId: events[0].accountId }, 'events dead-lettered');
        this.deadLetters.inc({ topic: dlq, reason: 'handlerFailed' });
        await producer
          .send({
            topic: dlq,
            messages: [{ key: events[0].accountId, value: JSON.stringify({ group, events, error: String(err) }) }],
          })
          .catch(() => undefined);
        return;
      }
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }
}
