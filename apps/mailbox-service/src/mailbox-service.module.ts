import { Module } from '@nestjs/common';
import { MailboxServiceModule } from '@jmap/mailbox-service';
import { PlatformModule } from '@jmap/platform';
import { ReadModelsModule } from '@jmap/read-models';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/** The mailbox service: Mailbox commands → events, the mailbox read model. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'mailbox-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
    ReadModelsModule,
    MailboxServiceModule,
  ],
})
export class AppModule {}
