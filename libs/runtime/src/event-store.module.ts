/**
 * Event-store wiring for an app: the projection registry (every domain registers its projections here), the
 * command processor, the outbox relay (started when the app appends events, kicked after each commit), the
 * command router that dispatches a service's commands to their handlers, and the hosts of background projectors.
 * Shutdown order: stop consuming commands and events, finish in-flight work, drain the outbox, then close.
 */
import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import {
  catchUpProjector,
  CommandProcessor,
  EventReader,
  OutboxRelay,
  PermanentCommandError,
  ProjectionRegistry,
  ProjectorRunner,
  Upcasters,
  type EventPublisher,
  type Projection,
} from '@jmap/event-store';
import { topics, type CommandConsumer, type CommandEnvelope, type ConsumerLagMonitor, type EventSubscriber } from '@jmap/messaging';
import { LOGGER, METRICS, PG_POOL, loadConfig, type Logger, type Metrics, type Pool } from '@jmap/platform';
import type { CommandConsumerFactory, EventSubscriberFactory } from './messaging.module.js';
import {
  COMMAND_CONSUMER_FACTORY,
  COMMAND_PROCESSOR,
  COMMAND_ROUTER,
  CONSUMER_LAG,
  EVENT_PUBLISHER,
  EVENT_READER,
  EVENT_SUBSCRIBER_FACTORY,
  OUTBOX_RELAY,
  PROJECTIONS,
  UPCASTERS,
} from './runtime.tokens.js';

export type CommandHandlerFn = (command: CommandEnvelope) => Promise<unknown>;

/** Command types per service, each with its handler. */
export class CommandRouter {
  private readonly services = new Map<string, Map<string, CommandHandlerFn>>();
  private readonly background: Projection[] = [];

  handle(service: string, type: string, handler: CommandHandlerFn): this {
    const map = this.services.get(service) ?? new Map<string, CommandHandlerFn>();
    if (map.has(type)) throw new Error(`${service} already handles ${type}`);
    map.set(type, handler);
    this.services.set(service, map);
    return this;
  }

  /** Runs a background projection in this app (a consumer group named after the projection). */
  runProjector(projection: Projection): this {
    if (!this.background.includes(projection)) this.background.push(projection);
    return this;
  }

  get serviceNames(): string[] {
    return [...this.services.keys()];
  }

  get projectors(): readonly Projection[] {
    return this.background;
  }

  dispatcher(service: string): CommandHandlerFn {
    const map = this.services.get(service)!;
    return async (command) => {
      const handler = map.get(command.type);
      if (!handler) throw new PermanentCommandError(`${service} has no handler for command type "${command.type}"`);
      return handler(command);
    };
  }
}

@Injectable()
class CommandHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumers: CommandConsumer[] = [];
  private readonly subscribers: EventSubscriber[] = [];

  constructor(
    @Inject(COMMAND_ROUTER) private readonly router: CommandRouter,
    @Inject(COMMAND_CONSUMER_FACTORY) private readonly consumerFactory: CommandConsumerFactory,
    @Inject(EVENT_SUBSCRIBER_FACTORY) private readonly subscriberFactory: EventSubscriberFactory,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay,
    @Inject(COMMAND_PROCESSOR) processor: CommandProcessor,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(EVENT_READER) private readonly reader: EventReader,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONSUMER_LAG) private readonly lag: ConsumerLagMonitor | null,
  ) {
    processor.onAppended(() => relay.kick());
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const projection of this.router.projectors) {
      const runner = new ProjectorRunner(this.pool, projection, this.reader, this.metrics, this.logger);
      const subscriber = this.subscriberFactory();
      await subscriber.subscribe(projection.name, (events) => runner.handle(events));
      this.subscribers.push(subscriber);
      void catchUpProjector(this.pool, runner, this.reader)
        .then((n) => n > 0 && this.logger.info({ projector: projection.name, accounts: n }, 'projector caught up from the event log'))
        .catch((err: unknown) => this.logger.error({ err, projector: projection.name }, 'projector catch-up failed'));
      this.watchLag(projection.name, (t) => t.events);
      this.logger.info({ projector: projection.name }, 'background projector running');
    }
    for (const service of this.router.serviceNames) {
      const consumer = this.consumerFactory();
      await consumer.start(service, this.router.dispatcher(service));
      this.consumers.push(consumer);
      this.watchLag(service, (t) => t.commands(service));
      this.logger.info({ commandService: service }, 'consuming commands');
    }
    if (this.router.serviceNames.length > 0) this.relay.start();
  }

  private watchLag(group: string, topic: (t: ReturnType<typeof topics>) => string): void {
    if (!this.lag) return;
    const t = topics(loadConfig(['KAFKA_TOPIC_PREFIX']).KAFKA_TOPIC_PREFIX);
    this.lag.watch(t.group(group), topic(t));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
    await Promise.all(this.subscribers.map((s) => s.stop()));
    await this.relay.stop();
    // One last pass so that what was committed before shutdown is published now, not at the next start.
    await this.relay.drain().catch((err: unknown) => this.logger.warn({ err }, 'final outbox drain failed'));
  }
}

@Global()
@Module({})
export class EventStoreModule {
  static forRoot(): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: PROJECTIONS, useValue: new ProjectionRegistry() },
        { provide: UPCASTERS, useValue: new Upcasters() },
        { provide: COMMAND_ROUTER, useValue: new CommandRouter() },
        { provide: EVENT_READER, inject: [UPCASTERS], useFactory: (u: Upcasters) => new EventReader(u) },
        {
          provide: COMMAND_PROCESSOR,
          inject: [PG_POOL, PROJECTIONS, METRICS, LOGGER],
          useFactory: (pool: Pool, projections: ProjectionRegistry, metrics: Metrics, logger: Logger) =>
            new CommandProcessor(pool, projections, metrics, logger),
        },
        {
          provide: OUTBOX_RELAY,
          inject: [PG_POOL, EVENT_PUBLISHER, EVENT_READER, PROJECTIONS, METRICS, LOGGER],
          useFactory: (
            pool: Pool,
            publisher: EventPublisher,
            reader: EventReader,
            projections: ProjectionRegistry,
            metrics: Metrics,
            logger: Logger,
          ) => new OutboxRelay(pool, publisher, reader, metrics, logger, { unpublished: () => projections.unpublished }),
        },
        CommandHost,
      ],
      exports: [PROJECTIONS, UPCASTERS, COMMAND_ROUTER, EVENT_READER, COMMAND_PROCESSOR, OUTBOX_RELAY],
    };
  }
}
