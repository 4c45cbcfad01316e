/**
 * Every projection of every domain, in one list. Any service that appends events applies ALL inline
 * projections (an event of one domain can move another's read model, e.g. email events move mailbox counts),
 * and the rebuild command replays all of them. Add a domain's projections here.
 */
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { Projection, ProjectionRegistry } from '@jmap/event-store';
import { emailProjection } from '@jmap/email-data-access';
import { identityProjection } from '@jmap/identity-data-access';
import { mailboxProjection } from '@jmap/mailbox-data-access';
import { PROJECTIONS } from '@jmap/runtime';
import { submissionProjection } from '@jmap/submission-data-access';
import { threadProjection } from '@jmap/thread-data-access';

/**
 * In the order a replay applies them to each event: mailboxes before emails (an email event moves the counts
 * of mailbox rows), the background thread projection last.
 */
export function allProjections(): Projection[] {
  return [mailboxProjection, identityProjection, emailProjection, submissionProjection, threadProjection];
}

@Injectable()
class ProjectionsRegistration {
  constructor(@Inject(PROJECTIONS) registry: ProjectionRegistry) {
    registry.register(...allProjections());
  }
}

/** Registers every projection with the app's registry (import once per app that uses the event store). */
@Global()
@Module({ providers: [ProjectionsRegistration] })
export class ReadModelsModule {}
