/**
 * Every service in one process with the same domain code and read models as the distributed mode: the
 * gateway, the domain services' command handlers and projectors, over the in-process bus (or Kafka when
 * KAFKA_BROKERS is set), blobs in files under DATA_DIR (or S3 when S3_ENDPOINT is set).
 */
import { Inject, Injectable, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { BlobApiModule } from '@jmap/blob-api';
import { DeliveryListenersModule } from '@jmap/delivery';
import { EmailApiModule } from '@jmap/email-api';
import { EmailCascadeModule, EmailServiceModule } from '@jmap/email-service';
import { GatewayModule } from '@jmap/gateway';
import { IdentityApiModule } from '@jmap/identity-api';
import { IdentityServiceModule } from '@jmap/identity-service';
import { MailboxApiModule } from '@jmap/mailbox-api';
import { MailboxServiceModule } from '@jmap/mailbox-service';
import { PlatformModule } from '@jmap/platform';
import { PushApiModule } from '@jmap/push-api';
import { PushServiceModule } from '@jmap/push-service';
import { ReadModelsModule } from '@jmap/read-models';
import { SubmissionApiModule } from '@jmap/submission-api';
import { SubmissionServiceModule } from '@jmap/submission-service';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';
import { ThreadApiModule } from '@jmap/thread-api';
import { ThreadServiceModule } from '@jmap/thread-service';

export const STANDALONE_SHUTDOWN = Symbol('STANDALONE_SHUTDOWN');

@Injectable()
class ShutdownHook implements OnApplicationShutdown {
  constructor(@Inject(STANDALONE_SHUTDOWN) private readonly hook: () => Promise<void>) {}
  async onApplicationShutdown(): Promise<void> {
    await this.hook();
  }
}

export function standaloneModule(databaseUrl: string, onShutdown: () => Promise<void>): DynamicModule {
  return {
    module: class StandaloneModule {},
    imports: [
      PlatformModule.forRoot({ service: 'standalone', postgres: true, databaseUrl }),
      MessagingModule.forRoot({ commandTargets: ['mailbox', 'email', 'submission', 'push-subscriptions', 'identity'] }),
      BlobStoreModule.forRoot(),
      EventStoreModule.forRoot(),
      ReadModelsModule,
      GatewayModule.forRoot(),
      BlobApiModule,
      MailboxApiModule,
      MailboxServiceModule,
      EmailApiModule,
      EmailServiceModule,
      EmailCascadeModule,
      ThreadApiModule,
      ThreadServiceModule,
      PushApiModule,
      PushServiceModule,
      IdentityApiModule,
      IdentityServiceModule,
      SubmissionApiModule,
      SubmissionServiceModule,
      // LMTP (and SMTP) into the Inboxes: only when LMTP_PORT (or SMTP_PORT) is set for the standalone server.
      DeliveryListenersModule.forRoot({ lmtp: 'whenSet' }),
    ],
    providers: [{ provide: STANDALONE_SHUTDOWN, useValue: onShutdown }, ShutdownHook],
  };
}

