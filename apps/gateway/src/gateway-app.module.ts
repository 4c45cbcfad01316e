import { Module } from '@nestjs/common';
import { BlobApiModule } from '@jmap/blob-api';
import { GatewayModule } from '@jmap/gateway';
import { MailboxApiModule } from '@jmap/mailbox-api';
import { PlatformModule } from '@jmap/platform';
import { BlobStoreModule, MessagingModule } from '@jmap/runtime';

/** The API gateway: JMAP over HTTP; reads the read models, sends writes as commands over Kafka. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'gateway', postgres: true }),
    MessagingModule.forRoot({ commandTargets: ['mailbox', 'email', 'submission'] }),
    BlobStoreModule.forRoot(),
    GatewayModule.forRoot(),
    BlobApiModule,
    MailboxApiModule,
  ],
})
export class GatewayAppModule {}
