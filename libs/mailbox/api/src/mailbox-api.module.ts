/**
 * The Mailbox methods and the mail capability at the gateway.
 */
import { Inject, Injectable, Module } from '@nestjs/common';
import { CAPABILITY_REGISTRY, GATEWAY_CONFIG, METHOD_REGISTRY, type CapabilityRegistry, type GatewayConfig } from '@jmap/gateway';
import type { CommandBus } from '@jmap/messaging';
import { PG_POOL, type Pool } from '@jmap/platform';
import type { MethodRegistry } from '@jmap/protocol';
import { COMMAND_BUS } from '@jmap/runtime';
import { mailCapability, mailLimitsFromEnv } from './mail-capability.js';
import { MailboxChangesMethod } from './mailbox-changes.method.js';
import { MailboxGetMethod } from './mailbox-get.method.js';
import { MailboxQueryChangesMethod, MailboxQueryMethod } from './mailbox-query.method.js';
import { MailboxSetMethod } from './mailbox-set.method.js';

@Injectable()
class MailboxMethodsRegistration {
  constructor(
    @Inject(METHOD_REGISTRY) methods: MethodRegistry,
    @Inject(CAPABILITY_REGISTRY) capabilities: CapabilityRegistry,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(PG_POOL) pool: Pool,
    @Inject(COMMAND_BUS) bus: CommandBus,
  ) {
    const limits = mailLimitsFromEnv();
    capabilities.register(mailCapability(limits));
    methods.register(
      new MailboxGetMethod(pool, config.core.maxObjectsInGet),
      new MailboxChangesMethod(pool),
      new MailboxQueryMethod(pool),
      new MailboxQueryChangesMethod(pool),
      new MailboxSetMethod(bus, config.core.maxObjectsInSet, limits),
    );
  }
}

@Module({ providers: [MailboxMethodsRegistration] })
export class MailboxApiModule {}
