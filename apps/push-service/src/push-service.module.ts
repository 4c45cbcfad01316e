import { Module } from '@nestjs/common';
import { PlatformModule } from '@jmap/platform';
import { PushServiceModule } from '@jmap/push-service';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';

/**
 * The push service: StateChanges from the events topic, published for the gateways' EventSource and WebSocket
 * clients (statechanges topic) and POSTed to PushSubscription URLs.
 */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'push-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
    PushServiceModule,
  ],
})
export class AppModule {}
