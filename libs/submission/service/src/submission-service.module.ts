/**
 * The submission service's Nest module: the EmailSubmission/set and VacationResponse/set commands (topic
 * commands.submission), the sender that works off the send queue, and the vacation responder on the events
 * topic. Needs LocalDeliveryModule's LOCAL_DELIVERY (recipients hosted here) and SUBMISSION_IDENTITIES (the
 * Identity slice); the app's MessagingModule must reach the email and mailbox services (local delivery).
 */
import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { BlobStore } from '@jmap/blob-store';
import { LOCAL_DELIVERY, LocalDeliveryModule, type LocalDelivery } from '@jmap/delivery';
import { identityMap } from '@jmap/identity-data-access';
import type { CommandProcessor, EventReader } from '@jmap/event-store';
import {
  LOGGER,
  METRICS,
  PG_POOL,
  SERVICE_INFO,
  type Logger,
  type Metrics,
  type Pool,
  type ServiceInfo,
} from '@jmap/platform';
import {
  BLOB_STORE,
  COMMAND_PROCESSOR,
  COMMAND_ROUTER,
  EVENT_READER,
  EVENT_SUBSCRIBER_FACTORY,
  type CommandRouter,
  type EventSubscriberFactory,
} from '@jmap/runtime';
import type { EventSubscriber } from '@jmap/messaging';
import { SUBMISSION_SERVICE, SubmissionCommandTypes } from '@jmap/submission-contracts';
import { DsnCorrelator } from './dsn-correlator.js';
import { OutboundRouter } from './outbound-router.js';
import { SmtpRelay } from './smtp-relay.js';
import { submissionConfigFromEnv } from './submission-config.js';
import { SUBMISSION_IDENTITIES, type IdentityDirectory } from './submission-ports.js';
import { SubmissionSender } from './submission-sender.js';
import { submissionSetHandler } from './submission-set.handler.js';
import { VacationResponder } from './vacation-responder.js';
import { vacationSetHandler } from './vacation-set.handler.js';

/** The consumer group of the vacation responder on the events topic. */
export const VACATION_GROUP = 'vacation-responder';

@Injectable()
class SubmissionRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sender: SubmissionSender;
  private readonly responder: VacationResponder;
  private subscriber: EventSubscriber | null = null;

  constructor(
    @Inject(COMMAND_ROUTER) router: CommandRouter,
    @Inject(COMMAND_PROCESSOR) processor: CommandProcessor,
    @Inject(PG_POOL) pool: Pool,
    @Inject(BLOB_STORE) store: BlobStore,
    @Inject(LOCAL_DELIVERY) local: LocalDelivery,
    @Inject(SUBMISSION_IDENTITIES) identities: IdentityDirectory,
    @Inject(EVENT_READER) reader: EventReader,
    @Inject(EVENT_SUBSCRIBER_FACTORY) private readonly subscribers: EventSubscriberFactory,
    @Inject(SERVICE_INFO) info: ServiceInfo,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const config = submissionConfigFromEnv();
    const relay = config.relay ? new SmtpRelay(config.relay) : null;
    if (relay) logger.info({ relay: relay.describe() }, 'outbound mail goes through the relay');
    else
      logger.warn(
        'SMTP_RELAY_URL is not set: only recipients hosted here get mail; mail to other recipients stays queued',
      );
    const outbound = new OutboundRouter(pool, local, relay);
    this.sender = new SubmissionSender(
      pool,
      processor,
      store,
      outbound,
      { ...config.sender, replica: info.instanceId },
      logger,
      metrics,
    );
    this.responder = new VacationResponder(
      pool,
      reader,
      outbound,
      config.vacationPeriodMs,
      logger,
      new DsnCorrelator(processor, store, logger),
    );
    router
      .handle(
        SUBMISSION_SERVICE,
        SubmissionCommandTypes.set,
        submissionSetHandler(processor, identities, config.maxSize, () => this.sender.kick()),
      )
      .handle(SUBMISSION_SERVICE, SubmissionCommandTypes.vacationSet, vacationSetHandler(processor));
  }

  async onApplicationBootstrap(): Promise<void> {
    this.sender.start();
    this.subscriber = this.subscribers();
    await this.subscriber.subscribe(VACATION_GROUP, (events) => this.responder.handle(events));
    this.logger.info('submission sender and vacation responder running');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.subscriber?.stop();
    await this.sender.stop();
  }
}

/** The Identity slice's read model answers the identity checks of EmailSubmission/set. */
const identityDirectory: IdentityDirectory = { identities: identityMap };

@Module({
  imports: [LocalDeliveryModule],
  providers: [{ provide: SUBMISSION_IDENTITIES, useValue: identityDirectory }, SubmissionRuntime],
})
export class SubmissionServiceModule {}
