/**
 * Service side of commands over Kafka: one consumer group per service, partitions (keyed by account id)
 * handled concurrently, one command at a time within a partition. The reply goes to the topic the command
 * names; a command that can never succeed goes to the dead-letter topic with its error and the partition
 * moves on. Offsets are committed after handling (at least once); the command id makes that exactly-once
 * in effect.
 */
import type { Consumer, Producer } from 'kafkajs';
import { inSpan, type Logger, type Metrics } from '@jmap/platform';
import { dispatchCommand } from './dispatch.js';
import { FETCH_MAX_WAIT_MS, type KafkaConnection } from './kafka-client.js';
import { topics } from './topics.js';
import type { CommandConsumer, CommandEnvelope, CommandError, CommandHandler } from './types.js';

export interface CommandConsumerOptions {
  concurrency: number;
  maxAttempts: number;
}

export class KafkaCommandConsumer implements CommandConsumer {
  private consumer?: Consumer;
  private producer?: Producer;
  private replyProducer?: Promise<Producer>;
  private readonly deadLetters;
  private readonly received;

  constructor(
    private readonly conn: KafkaConnection,
    private readonly options: CommandConsumerOptions,
    metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.deadLetters = metrics.counter('jmap_dead_letters_total', 'Messages sent to a dead-letter topic', ['topic', 'reason']);
    this.received = metrics.counter('jmap_commands_received_total', 'Commands received by a service', ['service']);
  }

  async start(service: string, handler: CommandHandler): Promise<void> {
    const t = topics(this.conn.settings.topicPrefix);
    const topic = t.commands(service);
    await this.conn.ensureTopics([topic]);
    await this.conn.ensureTopics([t.deadLetters], 1);
    // One request in flight keeps retries in order; duplicates from retries are skipped by consumers.
    this.producer = this.conn.kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = this.conn.kafka.consumer({
      groupId: `${this.conn.settings.topicPrefix}${service}`,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      sessionTimeout: this.conn.settings.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic, fromBeginning: true });
    const producer = this.producer;

    const deadLetter = async (command: CommandEnvelope | { raw: string }, error: CommandError) => {
      this.deadLetters.inc({ topic: t.deadLetters, reason: error.type });
      await producer.send({
        topic: t.deadLetters,
        acks: -1,
        messages: [
          {
            key: 'accountId' in command ? command.accountId : null,
            value: JSON.stringify({ service, command, error, at: new Date().toISOString() }),
          },
        ],
      });
    };

    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.concurrency,
      eachMessage: async ({ message }) => {
        this.received.inc({ service });
        const raw = message.value?.toString() ?? '';
        let command: CommandEnvelope;
        try {
          command = JSON.parse(raw) as CommandEnvelope;
          if (!command || typeof command.commandId !== 'string' || typeof command.accountId !== 'string') {
            throw new Error('not a command envelope');
          }
        } catch (err) {
          this.logger.error({ err }, 'undecodable command dead-lettered');
          await deadLetter({ raw: raw.slice(0, 10_000) }, { type: 'serverFail', description: 'undecodable command' });
          return;
        }
        // Continues the sender's trace (a no-op span when tracing is off).
        const span = { traceparent: command.traceparent, kind: 'consumer' as const, attributes: { 'messaging.destination.name': topic, 'jmap.command': command.type } };
        const reply = await inSpan(`process ${topic}`, span, () =>
          dispatchCommand(handler, command, { maxAttempts: this.options.maxAttempts, logger: this.logger, deadLetter }),
        );
        if (command.replyTo) {
          // The sender may be gone (its reply topic deleted); the effect is committed either way.
          await this.reply(command.replyTo, command.accountId, JSON.stringify(reply)).catch((err: unknown) =>
            this.logger.warn({ err, replyTo: command.replyTo }, 'reply not delivered'),
          );
        }
      },
    });
  }

  /**
   * Sends a reply on a producer of its own. kafkajs refreshes the metadata of every topic a producer has ever
   * sent to before each send; once one of them is deleted (the reply topic of a gateway that stopped, or that the
   * reaper removed) every later send fails with "This server does not host this topic-partition", for every
   * topic. So a failed reply replaces the producer (which forgets the dead topic) and is tried once more; the
   * dead-letter producer never sends to reply topics.
   */
  private async reply(topic: string, key: string, value: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.replyProducer ??= (async () => {
        const p = this.conn.kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
        await p.connect();
        return p;
      })();
      const current = this.replyProducer;
      try {
        await (await current).send({ topic, acks: -1, messages: [{ key, value }] });
        return;
      } catch (err) {
        if (this.replyProducer === current) {
          this.replyProducer = undefined;
          void current.then((p) => p.disconnect()).catch(() => undefined);
        }
        if (attempt >= 2) throw err;
      }
    }
  }

  async stop(): Promise<void> {
    // disconnect() stops fetching and waits for the message being handled to finish.
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    await this.replyProducer?.then((p) => p.disconnect()).catch(() => undefined);
  }
}
