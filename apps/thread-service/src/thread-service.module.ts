import { Module } from '@nestjs/common';
import { PlatformModule } from '@jmap/platform';
import { BlobStoreModule, EventStoreModule, MessagingModule } from '@jmap/runtime';
import { ThreadServiceModule } from '@jmap/thread-service';

/** The thread service: the Thread read model, projected from the events topic. */
@Module({
  imports: [
    PlatformModule.forRoot({ service: 'thread-service', postgres: true }),
    MessagingModule.forRoot(),
    BlobStoreModule.forRoot(),
    EventStoreModule.forRoot(),
    ThreadServiceModule,
  ],
})
export class AppModule {}
