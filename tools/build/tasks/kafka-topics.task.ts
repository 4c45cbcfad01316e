/**
 * The container images' topic task (the Helm chart's pre-install/pre-upgrade Job, compose's `topics`): creates
 * the command and event topics with KAFKA_PARTITIONS partitions (at least the largest replica count of any
 * consumer: more replicas than partitions sit idle) and the dead-letter topics, before any service starts.
 * Services create missing topics themselves too, with the same settings; this task lets brokers run with
 * auto-creation off and makes the partition count an install-time decision. Existing topics are left as
 * they are: adding partitions moves accounts between partitions and would break per-account ordering while
 * messages are in flight, so a topic with fewer partitions than configured is reported, not changed.
 */
import { ConfigError, failStartup, loadConfig, serviceLogger } from '@jmap/platform';
import { KafkaConnection, topics } from '@jmap/messaging';

/** The services that consume commands (the gateway's command targets). */
export const COMMAND_SERVICES = ['mailbox', 'email', 'submission', 'push-subscriptions'] as const;

const logger = serviceLogger('kafka-topics');
try {
  const cfg = loadConfig([
    'KAFKA_BROKERS',
    'KAFKA_TOPIC_PREFIX',
    'KAFKA_PARTITIONS',
    'KAFKA_REPLICATION_FACTOR',
  ]);
  if (!cfg.KAFKA_BROKERS?.length) throw new ConfigError('KAFKA_BROKERS', 'is required but not set');
  const conn = new KafkaConnection(
    {
      brokers: cfg.KAFKA_BROKERS,
      clientId: 'kafka-topics',
      topicPrefix: cfg.KAFKA_TOPIC_PREFIX,
      partitions: cfg.KAFKA_PARTITIONS,
      replicationFactor: cfg.KAFKA_REPLICATION_FACTOR,
    },
    logger,
  );
  const t = topics(cfg.KAFKA_TOPIC_PREFIX);
  const keyed = [...COMMAND_SERVICES.map((s) => t.commands(s)), t.events, t.stateChanges];
  // Dead letters are rare and read by operators: one partition, as the services create them.
  const deadLetters = [t.deadLetters, t.eventDeadLetters];
  await conn.ensureTopics(keyed);
  await conn.ensureTopics(deadLetters, 1);
  const admin = await conn.adminClient();
  const { topics: meta } = await admin.fetchTopicMetadata({ topics: keyed });
  for (const topic of meta) {
    const n = topic.partitions.length;
    if (n < cfg.KAFKA_PARTITIONS) {
      logger.warn(
        { topic: topic.name, partitions: n, configured: cfg.KAFKA_PARTITIONS },
        'topic has fewer partitions than KAFKA_PARTITIONS: replicas beyond the partition count stay idle',
      );
    }
  }
  logger.info({ topics: [...keyed, ...deadLetters], partitions: cfg.KAFKA_PARTITIONS }, 'topics ready');
  await conn.close();
  logger.flush?.();
} catch (err) {
  logger.flush?.();
  failStartup(err);
}
