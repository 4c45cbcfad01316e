import { Module } from '@nestjs/common';
import { DeliveryListenersModule } from '@jmap/delivery';
import { EMAIL_SERVICE } from '@jmap/email-contracts';
import { MAILBOX_SERVICE } from '@jmap/mailbox-contracts';
import { PlatformModule } from '@jmap/platform';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/**
 * The delivery service: LMTP (and optionally SMTP) in, each message stored as a blob of every recipient account
 * and imported into its Inbox with the Email/import command (libs/delivery). /readyz covers PostgreSQL, Kafka
 * and S3 (registered by the platform, messaging and blob-store modules).
 */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'delivery-service', postgres: true }),
    MessagingModule.forRoot({ commandTargets: [EMAIL_SERVICE, MAILBOX_SERVICE] }),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
    DeliveryListenersModule.forRoot({ lmtp: 'always' }),
  ],
})
export class AppModule {}
