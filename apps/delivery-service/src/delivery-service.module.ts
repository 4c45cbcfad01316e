import { Module } from '@nestjs/common';
import { PlatformModule } from '@jmap/platform';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/** The delivery service: LMTP in, imports into Inboxes through commands. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'delivery-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
  ],
})
export class AppModule {}
