/**
 * Messaging for an app: Kafka when KAFKA_BROKERS is set, otherwise (standalone) one in-process hub shared by
 * every module of the process. Provides the gateway's command bus, factories for command consumers and event
 * subscribers, and the outbox's event publisher; registers the Kafka readiness check.
 */
import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import {
  ConsumerLagMonitor,
  InProcessHub,
  KafkaCommandBus,
  KafkaCommandConsumer,
  KafkaConnection,
  KafkaEventPublisher,
  KafkaEventSubscriber,
  KafkaStateChangeFeed,
  KafkaStateChangePublisher,
  type CommandBus,
  type CommandConsumer,
  type EventPublisher,
  type EventSubscriber,
  type StateChangeFeed,
  type StateChangePublisher,
} from '@jmap/messaging';
import { HEALTH, LOGGER, METRICS, SERVICE_INFO, loadConfig, type Health, type Logger, type Metrics, type ServiceInfo } from '@jmap/platform';
import {
  COMMAND_BUS,
  COMMAND_CONSUMER_FACTORY,
  EVENT_PUBLISHER,
  EVENT_SUBSCRIBER_FACTORY,
  CONSUMER_LAG,
  IN_PROCESS_HUB,
  KAFKA_CONNECTION,
  STATE_CHANGE_FEED_FACTORY,
  STATE_CHANGE_PUBLISHER,
} from './runtime.tokens.js';

export type CommandConsumerFactory = () => CommandConsumer;
export type EventSubscriberFactory = () => EventSubscriber;
export type StateChangeFeedFactory = () => StateChangeFeed;

export interface MessagingOptions {
  /** Services the gateway sends commands to (their topics are created at start). Empty: no command bus. */
  commandTargets?: string[];
  /** Force the in-process hub even when KAFKA_BROKERS is set (tests). */
  inProcess?: boolean;
}

@Injectable()
class KafkaLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(KAFKA_CONNECTION) private readonly conn: KafkaConnection | null,
    @Inject(COMMAND_BUS) private readonly bus: CommandBus | null,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher & { stop?(): Promise<void> },
    @Inject(STATE_CHANGE_PUBLISHER) private readonly stateChanges: StateChangePublisher,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.bus?.close();
    await this.publisher.stop?.();
    await this.stateChanges.stop?.();
    await this.conn?.close();
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions = {}): DynamicModule {
    const cfg = loadConfig([
      'KAFKA_BROKERS',
      'KAFKA_TOPIC_PREFIX',
      'KAFKA_PARTITIONS',
      'KAFKA_REPLICATION_FACTOR',
      'COMMAND_TIMEOUT_MS',
      'COMMAND_ATTEMPTS',
      'COMMAND_CONCURRENCY',
      'COMMAND_MAX_HANDLER_ATTEMPTS',
    ]);
    const useKafka = !options.inProcess && (cfg.KAFKA_BROKERS?.length ?? 0) > 0;
    const exportsList = [CONSUMER_LAG, COMMAND_BUS, COMMAND_CONSUMER_FACTORY, EVENT_PUBLISHER, EVENT_SUBSCRIBER_FACTORY, KAFKA_CONNECTION, IN_PROCESS_HUB, STATE_CHANGE_PUBLISHER, STATE_CHANGE_FEED_FACTORY];
    if (!useKafka) {
      return {
        module: MessagingModule,
        providers: [
          {
            provide: IN_PROCESS_HUB,
            inject: [METRICS, LOGGER],
            useFactory: (metrics: Metrics, logger: Logger) => new InProcessHub(metrics, logger, cfg.COMMAND_MAX_HANDLER_ATTEMPTS),
          },
          { provide: KAFKA_CONNECTION, useValue: null },
          { provide: CONSUMER_LAG, useValue: null },
          { provide: COMMAND_BUS, inject: [IN_PROCESS_HUB], useFactory: (hub: InProcessHub) => hub.commandBus() },
          { provide: COMMAND_CONSUMER_FACTORY, inject: [IN_PROCESS_HUB], useFactory: (hub: InProcessHub) => () => hub.commandConsumer() },
          { provide: EVENT_PUBLISHER, inject: [IN_PROCESS_HUB], useFactory: (hub: InProcessHub) => hub.eventPublisher() },
          { provide: EVENT_SUBSCRIBER_FACTORY, inject: [IN_PROCESS_HUB], useFactory: (hub: InProcessHub) => () => hub.eventSubscriber() },
          { provide: STATE_CHANGE_PUBLISHER, inject: [IN_PROCESS_HUB], useFactory: (hub: InProcessHub) => hub.stateChangePublisher() },
          { provide: STATE_CHANGE_FEED_FACTORY, inject: [IN_PROCESS_HUB], useFactory: (hub: InProcessHub) => () => hub.stateChangeFeed() },
          KafkaLifecycle,
        ],
        exports: exportsList,
      };
    }
    return {
      module: MessagingModule,
      providers: [
        { provide: IN_PROCESS_HUB, useValue: null },
        {
          provide: CONSUMER_LAG,
          inject: [KAFKA_CONNECTION, METRICS],
          useFactory: (conn: KafkaConnection, metrics: Metrics) => new ConsumerLagMonitor(conn, metrics),
        },
        {
          provide: KAFKA_CONNECTION,
          inject: [SERVICE_INFO, LOGGER, HEALTH],
          useFactory: (info: ServiceInfo, logger: Logger, health: Health) => {
            const conn = new KafkaConnection(
              {
                brokers: cfg.KAFKA_BROKERS!,
                clientId: info.instanceId,
                topicPrefix: cfg.KAFKA_TOPIC_PREFIX,
                partitions: cfg.KAFKA_PARTITIONS,
                replicationFactor: cfg.KAFKA_REPLICATION_FACTOR,
                sessionTimeoutMs: loadConfig(['KAFKA_SESSION_TIMEOUT_MS']).KAFKA_SESSION_TIMEOUT_MS,
              },
              logger,
            );
            health.register(conn.healthCheck());
            return conn;
          },
        },
        {
          provide: COMMAND_BUS,
          inject: [KAFKA_CONNECTION, SERVICE_INFO, METRICS, LOGGER],
          useFactory: async (conn: KafkaConnection, info: ServiceInfo, metrics: Metrics, logger: Logger) => {
            if (!options.commandTargets?.length) return null;
            const bus = new KafkaCommandBus(
              conn,
              { instanceId: info.instanceId, timeoutMs: cfg.COMMAND_TIMEOUT_MS, attempts: cfg.COMMAND_ATTEMPTS },
              metrics,
              logger,
            );
            await bus.start(options.commandTargets);
            return bus;
          },
        },
        {
          provide: COMMAND_CONSUMER_FACTORY,
          inject: [KAFKA_CONNECTION, METRICS, LOGGER],
          useFactory: (conn: KafkaConnection, metrics: Metrics, logger: Logger) => () =>
            new KafkaCommandConsumer(conn, { concurrency: cfg.COMMAND_CONCURRENCY, maxAttempts: cfg.COMMAND_MAX_HANDLER_ATTEMPTS }, metrics, logger),
        },
        {
          provide: EVENT_PUBLISHER,
          inject: [KAFKA_CONNECTION],
          // Started on first use: only apps that append events publish them.
          useFactory: (conn: KafkaConnection) => {
            const inner = new KafkaEventPublisher(conn);
            let started: Promise<void> | undefined;
            return {
              publish: async (accountId: string, events: Parameters<EventPublisher['publish']>[1]) => {
                started ??= inner.start();
                await started;
                await inner.publish(accountId, events);
              },
              stop: async () => {
                if (started) await inner.stop();
              },
            };
          },
        },
        {
          provide: EVENT_SUBSCRIBER_FACTORY,
          inject: [KAFKA_CONNECTION, METRICS, LOGGER],
          useFactory: (conn: KafkaConnection, metrics: Metrics, logger: Logger) => () =>
            new KafkaEventSubscriber(conn, { concurrency: cfg.COMMAND_CONCURRENCY, maxAttempts: cfg.COMMAND_MAX_HANDLER_ATTEMPTS }, metrics, logger),
        },
        {
          provide: STATE_CHANGE_PUBLISHER,
          inject: [KAFKA_CONNECTION],
          // Connects on first use: only the push service publishes StateChanges.
          useFactory: (conn: KafkaConnection) => new KafkaStateChangePublisher(conn),
        },
        {
          provide: STATE_CHANGE_FEED_FACTORY,
          inject: [KAFKA_CONNECTION, SERVICE_INFO, LOGGER],
          useFactory: (conn: KafkaConnection, info: ServiceInfo, logger: Logger) => () => new KafkaStateChangeFeed(conn, info.instanceId, logger),
        },
        KafkaLifecycle,
      ],
      exports: exportsList,
    };
  }
}
