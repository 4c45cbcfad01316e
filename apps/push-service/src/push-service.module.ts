import { Module } from '@nestjs/common';
import { PlatformModule } from '@jmap/platform';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/** The push service: EventSource, PushSubscription and WebSocket push from the events topic. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'push-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
  ],
})
export class AppModule {}
