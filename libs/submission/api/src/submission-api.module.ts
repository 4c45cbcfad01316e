/**
 * The EmailSubmission and VacationResponse methods and their capabilities at the gateway.
 */
import { Inject, Injectable, Module } from '@nestjs/common';
import {
  CAPABILITY_REGISTRY,
  GATEWAY_CONFIG,
  METHOD_REGISTRY,
  type CapabilityRegistry,
  type GatewayConfig,
} from '@jmap/gateway';
import type { CommandBus } from '@jmap/messaging';
import { PG_POOL, type Pool } from '@jmap/platform';
import type { MethodRegistry } from '@jmap/protocol';
import { COMMAND_BUS } from '@jmap/runtime';
import { EmailSubmissionChangesMethod, EmailSubmissionGetMethod } from './email-submission-get.method.js';
import {
  EmailSubmissionQueryChangesMethod,
  EmailSubmissionQueryMethod,
} from './email-submission-query.method.js';
import { EmailSubmissionSetMethod } from './email-submission-set.method.js';
import {
  submissionCapability,
  submissionLimitsFromEnv,
  vacationCapability,
} from './submission-capability.js';
import { VacationResponseGetMethod, VacationResponseSetMethod } from './vacation-response.methods.js';

@Injectable()
class SubmissionMethodsRegistration {
  constructor(
    @Inject(METHOD_REGISTRY) methods: MethodRegistry,
    @Inject(CAPABILITY_REGISTRY) capabilities: CapabilityRegistry,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(PG_POOL) pool: Pool,
    @Inject(COMMAND_BUS) bus: CommandBus,
  ) {
    const limits = submissionLimitsFromEnv();
    capabilities.register(submissionCapability(limits));
    capabilities.register(vacationCapability);
    methods.register(
      new EmailSubmissionGetMethod(pool, config.core.maxObjectsInGet),
      new EmailSubmissionChangesMethod(pool),
      new EmailSubmissionQueryMethod(pool),
      new EmailSubmissionQueryChangesMethod(pool),
      new EmailSubmissionSetMethod(bus, config.core.maxObjectsInSet, {
        maxDelayedSend: limits.maxDelayedSend,
        maxRecipients: limits.maxRecipients,
        maxPerDay: limits.maxPerDay,
      }),
      new VacationResponseGetMethod(pool),
      new VacationResponseSetMethod(bus, config.core.maxObjectsInSet),
    );
  }
}

@Module({ providers: [SubmissionMethodsRegistration] })
export class SubmissionApiModule {}
