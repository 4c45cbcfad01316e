import { Module } from '@nestjs/common';
import { PlatformModule } from '@jmap/platform';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/** The mailbox service: Mailbox commands → events, the mailbox read model. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'mailbox-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
  ],
})
export class AppModule {}
