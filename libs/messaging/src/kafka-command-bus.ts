/**
 * Gateway side of commands over Kafka. Each gateway replica has its own reply topic (one partition, consumed
 * by a group of one), so replies reach the replica that sent the command however many replicas run. A command
 * without a reply within COMMAND_TIMEOUT_MS is sent again with the same command id (the service handles it
 * once); after COMMAND_ATTEMPTS sends the caller gets serverUnavailable.
 */
import type { Consumer, Producer } from 'kafkajs';
import { currentTraceparent, type Logger, type Metrics } from '@jmap/platform';
import { FETCH_MAX_WAIT_MS, type KafkaConnection } from './kafka-client.js';
import { topics } from './topics.js';
import {
  CommandFailedError,
  CommandTimeoutError,
  type CommandBus,
  type CommandEnvelope,
  type CommandReply,
} from './types.js';

type Resolve = (reply: CommandReply) => void;

export interface CommandBusOptions {
  instanceId: string;
  timeoutMs: number;
  attempts: number;
}

export class KafkaCommandBus implements CommandBus {
  private producer?: Producer;
  private consumer?: Consumer;
  /** Callers waiting per command id: the same id may be in flight twice (a client retrying a request). */
  private readonly pending = new Map<string, Set<Resolve>>();
  private readonly replyTopic: string;
  private readonly sent;
  private readonly latency;

  constructor(
    private readonly conn: KafkaConnection,
    private readonly options: CommandBusOptions,
    metrics: Metrics,
    private readonly logger: Logger,
  ) {
    this.replyTopic = topics(conn.settings.topicPrefix).replies(options.instanceId);
    this.sent = metrics.counter('jmap_commands_sent_total', 'Commands sent by the gateway, by service and outcome', [
      'service',
      'outcome',
    ]);
    this.latency = metrics.histogram('jmap_command_roundtrip_seconds', 'Command send to reply, as the gateway sees it', [
      'service',
    ]);
  }

  async start(services: string[]): Promise<void> {
    const t = topics(this.conn.settings.topicPrefix);
    await this.conn.ensureTopics(services.map((s) => t.commands(s)));
    await this.conn.ensureTopics([this.replyTopic], 1, [{ name: 'retention.ms', value: String(3_600_000) }]);
    // One request in flight keeps retries in order; duplicates from retries are skipped by consumers.
    this.producer = this.conn.kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    this.consumer = this.conn.kafka.consumer({
      groupId: `${this.conn.settings.topicPrefix}gateway-replies.${this.options.instanceId}`,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      sessionTimeout: this.conn.settings.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1000,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.replyTopic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => this.consumer!.on(this.consumer!.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        let reply: CommandReply;
        try {
          reply = JSON.parse(message.value.toString()) as CommandReply;
        } catch {
          this.logger.warn('unparseable reply ignored');
          return;
        }
        const waiting = this.pending.get(reply.commandId);
        if (waiting) {
          this.pending.delete(reply.commandId);
          for (const resolve of waiting) resolve(reply);
        }
      },
    });
    await joined;
  }

  async send<R>(service: string, command: Omit<CommandEnvelope, 'replyTo' | 'attempt'>): Promise<R> {
    if (!this.producer) throw new Error('command bus not started');
    const topic = topics(this.conn.settings.topicPrefix).commands(service);
    const started = process.hrtime.bigint();
    let own: Resolve | undefined;
    const reply = new Promise<CommandReply>((resolve) => {
      own = resolve;
      const waiting = this.pending.get(command.commandId) ?? new Set<Resolve>();
      waiting.add(resolve);
      this.pending.set(command.commandId, waiting);
    });
    try {
      for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
        const envelope: CommandEnvelope = { traceparent: currentTraceparent(), ...command, replyTo: this.replyTopic, attempt };
        try {
          await this.producer.send({
            topic,
            acks: -1,
            messages: [{ key: command.accountId, value: JSON.stringify(envelope) }],
          });
        } catch (err) {
          // The broker would not take the command (after kafkajs's own retries): nothing was sent this time.
          if (attempt < this.options.attempts) continue;
          this.sent.inc({ service, outcome: 'unavailable' });
          throw new CommandFailedError(command.commandId, {
            type: 'serverUnavailable',
            description: `the message bus refused the command: ${(err as Error).message}`,
          });
        }
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          reply,
          new Promise<null>((r) => {
            timer = setTimeout(() => r(null), this.options.timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (outcome) {
          this.latency.observe({ service }, Number(process.hrtime.bigint() - started) / 1e9);
          this.sent.inc({ service, outcome: outcome.ok ? 'ok' : 'error' });
          if (!outcome.ok) throw new CommandFailedError(command.commandId, outcome.error);
          return outcome.result as R;
        }
        this.logger.warn({ commandId: command.commandId, service, attempt }, 'no reply in time; resending');
      }
      this.sent.inc({ service, outcome: 'timeout' });
      throw new CommandTimeoutError(command.commandId, this.options.attempts, this.options.timeoutMs);
    } finally {
      const waiting = this.pending.get(command.commandId);
      if (waiting && own) {
        waiting.delete(own);
        if (waiting.size === 0) this.pending.delete(command.commandId);
      }
    }
  }

  async close(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
    // The reply topic belongs to this replica only.
    try {
      const admin = await this.conn.adminClient();
      await admin.deleteTopics({ topics: [this.replyTopic], timeout: 5000 });
      await admin.deleteGroups([`${this.conn.settings.topicPrefix}gateway-replies.${this.options.instanceId}`]).catch(() => undefined);
    } catch (err) {
      this.logger.warn({ err }, 'could not delete the reply topic');
    }
  }
}

/**
 * Deletes reply topics of gateway replicas that died without cleaning up: a reply topic whose consumer group
 * has no members on two passes at least `graceMs` apart.
 */
export async function reapReplyTopics(conn: KafkaConnection, suspects: Map<string, number>, graceMs: number): Promise<string[]> {
  const admin = await conn.adminClient();
  const prefix = topics(conn.settings.topicPrefix).repliesPrefix;
  const replyTopics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  const groupOf = (topic: string) => `${conn.settings.topicPrefix}gateway-replies.${topic.slice(prefix.length)}`;
  const { groups } = await admin.describeGroups(replyTopics.map(groupOf));
  const idle = new Set(groups.filter((g) => g.members.length === 0).map((g) => g.groupId));
  const now = Date.now();
  const doomed: string[] = [];
  for (const topic of replyTopics) {
    if (!idle.has(groupOf(topic))) {
      suspects.delete(topic);
      continue;
    }
    const since = suspects.get(topic);
    if (since === undefined) suspects.set(topic, now);
    else if (now - since >= graceMs) doomed.push(topic);
  }
  if (doomed.length > 0) {
    await admin.deleteTopics({ topics: doomed });
    for (const t of doomed) suspects.delete(t);
  }
  return doomed;
}
