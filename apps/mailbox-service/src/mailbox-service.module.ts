import { Module } from '@nestjs/common';
import { EmailCascadeModule } from '@jmap/email-service';
import { MailboxServiceModule } from '@jmap/mailbox-service';
import { PlatformModule } from '@jmap/platform';
import { ReadModelsModule } from '@jmap/read-models';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/** The mailbox service: Mailbox commands → events, the mailbox read model (emails leave destroyed mailboxes). */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'mailbox-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
    ReadModelsModule,
    EmailCascadeModule,
    MailboxServiceModule,
  ],
})
export class AppModule {}
