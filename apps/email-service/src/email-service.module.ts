import { Module } from '@nestjs/common';
import { EmailServiceModule } from '@jmap/email-service';
import { PlatformModule } from '@jmap/platform';
import { ReadModelsModule } from '@jmap/read-models';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/** The email service: Email import, set, copy, parse; MIME; threading decisions; the email read model. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'email-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
    ReadModelsModule,
    EmailServiceModule,
  ],
})
export class AppModule {}
