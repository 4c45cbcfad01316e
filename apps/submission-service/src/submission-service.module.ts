import { Module } from '@nestjs/common';
import { PlatformModule } from '@jmap/platform';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/** The submission service: Identity, EmailSubmission, VacationResponse; SMTP out. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'submission-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
  ],
})
export class AppModule {}
