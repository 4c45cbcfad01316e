/**
 * Kafka connection shared by the transports of one process: the kafkajs client with its logs routed to pino,
 * topic creation, and the readiness check.
 */
import { Kafka, logLevel, type Admin, type ITopicConfig, type LogEntry } from 'kafkajs';
import './kafkajs-idle-fix.js';
import type { HealthCheck, Logger } from '@jmap/platform';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  partitions: number;
  replicationFactor: number;
  /** Consumer session timeout: how soon a killed replica's partitions move to the others. */
  sessionTimeoutMs?: number;
}

/**
 * How long a consumer's fetch waits at the broker when its partitions have nothing new. The broker answers as soon
 * as a record arrives (minBytes 1), so this bounds only the idle polling, not the latency (push and keyword
 * benchmarks unchanged, docs/benchmarks.md); at 20 to 100 ms every idle consumer woke the broker and its process
 * 10 to 50 times a second. Well under the session timeout: kafkajs heartbeats between fetches.
 */
export const FETCH_MAX_WAIT_MS = 1000;

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export class KafkaConnection {
  readonly kafka: Kafka;
  private admin?: Admin;
  private readonly ensured = new Set<string>();

  constructor(
    readonly settings: KafkaSettings,
    private readonly logger: Logger,
  ) {
    process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
    const log = logger.child({ component: 'kafka' });
    this.kafka = new Kafka({
      clientId: settings.clientId,
      brokers: settings.brokers,
      connectionTimeout: 3000,
      requestTimeout: 30000,
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }: LogEntry) => {
          const { message, ...rest } = entry;
          // kafkajs reports rebalances and coordinator moves as errors; they are routine and retried.
          const lvl = level === logLevel.ERROR && /rebalanc|coordinator|not the leader/i.test(message) ? 'warn' : LEVELS[level];
          log[lvl ?? 'info']({ kafka: rest }, message);
        },
    });
  }

  async adminClient(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Creates missing topics (idempotent; racing creators are fine). */
  async ensureTopics(names: string[], partitions = this.settings.partitions, config: ITopicConfig['configEntries'] = []): Promise<void> {
    const missing = names.filter((n) => !this.ensured.has(n));
    if (missing.length === 0) return;
    const admin = await this.adminClient();
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((n) => !existing.has(n));
    if (toCreate.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: false,
          topics: toCreate.map((topic) => ({
            topic,
            numPartitions: partitions,
            replicationFactor: this.settings.replicationFactor,
            configEntries: config,
          })),
        });
      } catch (err) {
        // Another process created them first.
        if (!/already exists/i.test(String((err as Error).message))) throw err;
      }
    }
    await this.waitForLeaders(admin, missing);
    for (const n of missing) this.ensured.add(n);
  }

  /**
   * A freshly created topic answers "unknown topic or partition" for a moment (kafkajs's own waitForLeaders
   * gives up on that), so poll the metadata until every partition has a leader.
   */
  private async waitForLeaders(admin: Admin, names: string[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: names });
        if (topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline) throw new Error(`topics without leaders after 30 s: ${names.join(', ')}`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  healthCheck(): HealthCheck {
    return {
      name: 'kafka',
      check: async () => {
        const admin = await this.adminClient();
        await admin.describeCluster();
      },
    };
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = undefined;
  }
}
