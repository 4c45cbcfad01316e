import { Module } from '@nestjs/common';
import { PlatformModule } from '@jmap/platform';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/** The email service: Email import, set, copy, parse; MIME; threading decisions; the email read model. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'email-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
  ],
})
export class AppModule {}
