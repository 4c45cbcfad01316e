/**
 * The push service's Nest module (apps/push-service, and the standalone server): consumer group "push" on the
 * events topic → StateChanges on the statechanges topic and to PushSubscription URLs; handles the gateway's
 * "send the PushVerification" command. Replicas share the events topic's partitions, so each account's events
 * are turned into StateChanges by one replica at a time.
 */
import { Inject, Injectable, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { topics, type CommandEnvelope, type ConsumerLagMonitor, type EventSubscriber, type StateChangePublisher } from '@jmap/messaging';
import { LOGGER, METRICS, PG_POOL, loadConfig, type Logger, type Metrics, type Pool } from '@jmap/platform';
import { PushSubscriptionRepository } from '@jmap/push-data-access';
import { PUSH_SERVICE, PushCommandTypes, type SendVerificationPayload, type SendVerificationReply } from '@jmap/push-domain';
import {
  COMMAND_ROUTER,
  CONSUMER_LAG,
  EVENT_SUBSCRIBER_FACTORY,
  STATE_CHANGE_PUBLISHER,
  type CommandRouter,
  type EventSubscriberFactory,
} from '@jmap/runtime';
import { pushServiceConfigFromEnv } from './push-config.js';
import { PushDeliveryQueue } from './push-delivery-queue.js';
import { StateChangeProducer } from './state-change-producer.js';
import { WebPushSender } from './web-push-sender.js';

/** The consumer group of the push service on the events topic. */
export const PUSH_EVENTS_GROUP = 'push';

@Injectable()
class PushServiceHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly queue: PushDeliveryQueue;
  private readonly producer: StateChangeProducer;
  private readonly repo: PushSubscriptionRepository;
  private subscriber?: EventSubscriber;

  constructor(
    @Inject(PG_POOL) pool: Pool,
    @Inject(EVENT_SUBSCRIBER_FACTORY) private readonly subscriberFactory: EventSubscriberFactory,
    @Inject(STATE_CHANGE_PUBLISHER) publisher: StateChangePublisher,
    @Inject(COMMAND_ROUTER) router: CommandRouter,
    @Inject(CONSUMER_LAG) private readonly lag: ConsumerLagMonitor | null,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const config = pushServiceConfigFromEnv();
    this.repo = new PushSubscriptionRepository(pool);
    const sender = new WebPushSender({ policy: config.policy, ttlSeconds: config.ttlSeconds, timeoutMs: config.requestTimeoutMs });
    this.queue = new PushDeliveryQueue(sender, this.repo, config, metrics, logger);
    this.producer = new StateChangeProducer(pool, publisher, this.repo, this.queue, { projectionWaitMs: config.projectionWaitMs }, metrics, logger);
    router.handle(PUSH_SERVICE, PushCommandTypes.sendVerification, (cmd) => this.sendVerification(cmd));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = this.subscriberFactory();
    await this.subscriber.subscribe(PUSH_EVENTS_GROUP, (events) => this.producer.handle(events));
    if (this.lag) {
      const t = topics(loadConfig(['KAFKA_TOPIC_PREFIX']).KAFKA_TOPIC_PREFIX);
      this.lag.watch(t.group(PUSH_EVENTS_GROUP), t.events);
    }
    this.logger.info('push service consuming events');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.subscriber?.stop();
    await this.producer.stop();
    await this.queue.stop();
  }

  private async sendVerification(cmd: CommandEnvelope): Promise<SendVerificationReply> {
    const { pushSubscriptionId } = cmd.payload as SendVerificationPayload;
    const sub = await this.repo.byId(pushSubscriptionId);
    if (!sub) return { queued: false };
    this.queue.enqueueVerification(sub.id, sub, sub.verificationCode);
    return { queued: true };
  }
}

@Module({ providers: [PushServiceHost] })
export class PushServiceModule {}
