/**
 * The statechanges topic over Kafka. The push service publishes each account's StateChanges keyed by account id
 * (per-account order); every gateway replica consumes ALL partitions in a consumer group of its own, starting
 * at the newest offset (a StateChange is only worth anything to the clients connected now), and commits
 * nothing: the group holds no offsets, and is deleted when the replica stops, like its reply topic.
 */
import type { Consumer, Producer } from 'kafkajs';
import type { Logger } from '@jmap/platform';
import { FETCH_MAX_WAIT_MS, type KafkaConnection } from './kafka-client.js';
import { topics } from './topics.js';
import type { StateChangeFeed, StateChangeMessage, StateChangePublisher } from './types.js';

export class KafkaStateChangePublisher implements StateChangePublisher {
  private producer?: Producer;
  private starting?: Promise<void>;

  constructor(private readonly conn: KafkaConnection) {}

  private async start(): Promise<void> {
    await this.conn.ensureTopics([topics(this.conn.settings.topicPrefix).stateChanges]);
    const producer = this.conn.kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    this.producer = producer;
  }

  async publish(message: StateChangeMessage): Promise<void> {
    this.starting ??= this.start();
    await this.starting;
    await this.producer!.send({
      topic: topics(this.conn.settings.topicPrefix).stateChanges,
      acks: -1,
      messages: [{ key: message.accountId, value: JSON.stringify(message) }],
    });
  }

  async stop(): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }
}

export class KafkaStateChangeFeed implements StateChangeFeed {
  private consumer?: Consumer;
  private readonly group: string;

  constructor(
    private readonly conn: KafkaConnection,
    instanceId: string,
    private readonly logger: Logger,
  ) {
    this.group = topics(conn.settings.topicPrefix).stateChangeGroup(instanceId);
  }

  async start(handler: (message: StateChangeMessage) => void): Promise<void> {
    const topic = topics(this.conn.settings.topicPrefix).stateChanges;
    await this.conn.ensureTopics([topic]);
    const consumer = this.conn.kafka.consumer({
      groupId: this.group,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      sessionTimeout: this.conn.settings.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 4,
      eachMessage: async ({ message }) => {
        try {
          handler(JSON.parse(message.value?.toString() ?? '') as StateChangeMessage);
        } catch (err) {
          this.logger.warn({ err, offset: message.offset }, 'state change not delivered');
        }
      },
    });
    await joined;
  }

  async stop(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.disconnect().catch(() => undefined);
    try {
      const admin = await this.conn.adminClient();
      await admin.deleteGroups([this.group]);
    } catch (err) {
      this.logger.debug({ err }, 'could not delete the state change consumer group');
    }
  }
}
