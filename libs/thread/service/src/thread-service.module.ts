/**
 * The thread service's Nest module: runs the Thread projection from the events topic (a consumer group named
 * after the projector, caught up from the event log at start).
 */
import { Inject, Injectable, Module } from '@nestjs/common';
import { COMMAND_ROUTER, type CommandRouter } from '@jmap/runtime';
import { threadProjection } from '@jmap/thread-data-access';

@Injectable()
class ThreadProjectorRegistration {
  constructor(@Inject(COMMAND_ROUTER) router: CommandRouter) {
    router.runProjector(threadProjection);
  }
}

@Module({ providers: [ThreadProjectorRegistration] })
export class ThreadServiceModule {}
