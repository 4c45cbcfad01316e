import { Module } from '@nestjs/common';
import { BlobApiModule } from '@jmap/blob-api';
import { EmailApiModule } from '@jmap/email-api';
import { GatewayModule } from '@jmap/gateway';
import { IdentityApiModule } from '@jmap/identity-api';
import { MailboxApiModule } from '@jmap/mailbox-api';
import { PlatformModule } from '@jmap/platform';
import { PushApiModule } from '@jmap/push-api';
import { SubmissionApiModule } from '@jmap/submission-api';
import { BlobStoreModule, MessagingModule } from '@jmap/runtime';
import { ThreadApiModule } from '@jmap/thread-api';

/** The API gateway: JMAP over HTTP; reads the read models, sends writes as commands over Kafka. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'gateway', postgres: true }),
    MessagingModule.forRoot({
      commandTargets: ['mailbox', 'email', 'submission', 'push-subscriptions', 'identity'],
    }),
    BlobStoreModule.forRoot(),
    GatewayModule.forRoot(),
    BlobApiModule,
    MailboxApiModule,
    EmailApiModule,
    ThreadApiModule,
    PushApiModule,
    IdentityApiModule,
    SubmissionApiModule,
  ],
})
export class GatewayAppModule {}
