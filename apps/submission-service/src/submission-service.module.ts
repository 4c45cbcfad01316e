import { Module } from '@nestjs/common';
import { EMAIL_SERVICE } from '@jmap/email-contracts';
import { IdentityServiceModule } from '@jmap/identity-service';
import { MAILBOX_SERVICE } from '@jmap/mailbox-contracts';
import { PlatformModule } from '@jmap/platform';
import { ReadModelsModule } from '@jmap/read-models';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';
import { SubmissionServiceModule } from '@jmap/submission-service';

/** The submission service: Identity, EmailSubmission, VacationResponse; SMTP out. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'submission-service', postgres: true }),
    // Local delivery of submissions and vacation replies sends Email/import (and Mailbox provisioning) commands.
    MessagingModule.forRoot({ commandTargets: [EMAIL_SERVICE, MAILBOX_SERVICE] }),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
    ReadModelsModule,
    SubmissionServiceModule,
    // Identity/set and the default identity (commands.identity); provides the identities port it uses.
    IdentityServiceModule,
  ],
})
export class AppModule {}
