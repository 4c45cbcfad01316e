/**
 * The Identity methods at the gateway. They belong to urn:ietf:params:jmap:submission, which the submission API
 * module advertises (with its limits); when an app has no submission API module, a bare capability is
 * registered here so the Identity methods can still be called.
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
import { SUBMISSION, type MethodRegistry } from '@jmap/protocol';
import { COMMAND_BUS } from '@jmap/runtime';
import { IdentityChangesMethod, IdentityGetMethod, IdentitySetMethod } from './identity.methods.js';

@Injectable()
class IdentityMethodsRegistration {
  constructor(
    @Inject(METHOD_REGISTRY) methods: MethodRegistry,
    @Inject(CAPABILITY_REGISTRY) capabilities: CapabilityRegistry,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(PG_POOL) pool: Pool,
    @Inject(COMMAND_BUS) bus: CommandBus,
  ) {
    if (!capabilities.urns.has(SUBMISSION)) {
      capabilities.register({
        urn: SUBMISSION,
        session: () => ({}),
        account: () => ({ maxDelayedSend: 0, submissionExtensions: {} }),
      });
    }
    methods.register(
      new IdentityGetMethod(pool, bus, config.core.maxObjectsInGet),
      new IdentityChangesMethod(pool, bus),
      new IdentitySetMethod(pool, bus, config.core.maxObjectsInSet),
    );
  }
}

@Module({ providers: [IdentityMethodsRegistration] })
export class IdentityApiModule {}
