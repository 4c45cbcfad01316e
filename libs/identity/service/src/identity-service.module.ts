/**
 * The identity handlers' Nest module (topic commands.identity). Hosted by the submission service and the
 * standalone server. It also provides the submission service's SUBMISSION_IDENTITIES port (global, so the
 * submission module finds it): the identities of an account by id, read from the identities read model.
 */
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import type { CommandProcessor } from '@jmap/event-store';
import { IDENTITY_SERVICE, IdentityCommandTypes } from '@jmap/identity-contracts';
import { identityMap } from '@jmap/identity-data-access';
import { COMMAND_PROCESSOR, COMMAND_ROUTER, type CommandRouter } from '@jmap/runtime';
import { SUBMISSION_IDENTITIES, type IdentityDirectory } from '@jmap/submission-service';
import { createDefaultIdentityHandler, identitySetHandler } from './identity.handlers.js';

@Injectable()
class IdentityCommandRegistration {
  constructor(
    @Inject(COMMAND_ROUTER) router: CommandRouter,
    @Inject(COMMAND_PROCESSOR) processor: CommandProcessor,
  ) {
    router
      .handle(IDENTITY_SERVICE, IdentityCommandTypes.set, identitySetHandler(processor))
      .handle(IDENTITY_SERVICE, IdentityCommandTypes.createDefault, createDefaultIdentityHandler(processor));
  }
}

export const identityDirectory: IdentityDirectory = { identities: identityMap };

@Global()
@Module({
  providers: [IdentityCommandRegistration, { provide: SUBMISSION_IDENTITIES, useValue: identityDirectory }],
  exports: [SUBMISSION_IDENTITIES],
})
export class IdentityServiceModule {}
