import { Module } from '@nestjs/common';
import { PlatformModule } from '@jmap/platform';
import { PushServiceModule } from '@jmap/push-service';
import { ReadModelsModule } from '@jmap/read-models';
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
    // Its outbox relay (it handles a command) publishes any account's events: with every projection
    // registered, it leaves out the same unpublished fields as the other services' relays.
    ReadModelsModule,
    PushServiceModule,
  ],
})
export class AppModule {}
