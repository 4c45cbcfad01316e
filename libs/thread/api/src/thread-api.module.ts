/** The Thread methods at the gateway (RFC 8621 section 3). */
import { Inject, Injectable, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, METHOD_REGISTRY, type GatewayConfig } from '@jmap/gateway';
import { PG_POOL, type Pool } from '@jmap/platform';
import type { MethodRegistry } from '@jmap/protocol';
import { ThreadChangesMethod } from './thread-changes.method.js';
import { ThreadGetMethod } from './thread-get.method.js';

@Injectable()
class ThreadMethodsRegistration {
  constructor(
    @Inject(METHOD_REGISTRY) methods: MethodRegistry,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(PG_POOL) pool: Pool,
  ) {
    methods.register(
      new ThreadGetMethod(pool, config.core.maxObjectsInGet, config.readWaitTimeoutMs),
      new ThreadChangesMethod(pool, config.readWaitTimeoutMs),
    );
  }
}

@Module({ providers: [ThreadMethodsRegistration] })
export class ThreadApiModule {}
