/**
 * Push at the gateway: the EventSource resource, JMAP over WebSocket with push (RFC 8887, advertised as the
 * urn:ietf:params:jmap:websocket capability), the PushSubscription methods, and this replica's StateChange
 * fan-out (every message of the statechanges topic, to the connections it holds).
 */
import websocket from '@fastify/websocket';
import { Inject, Injectable, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { AccountsRepository } from '@jmap/accounts';
import {
  ACCOUNTS_REPOSITORY,
  CAPABILITY_REGISTRY,
  GATEWAY_CONFIG,
  HTTP_ROUTES,
  METHOD_REGISTRY,
  REQUEST_AUTH,
  REQUEST_PROCESSOR,
  type CapabilityRegistry,
  type GatewayConfig,
  type HttpRoutesRegistry,
  type RequestAuth,
  type RequestProcessor,
} from '@jmap/gateway';
import type { CommandBus } from '@jmap/messaging';
import { LOGGER, METRICS, PG_POOL, type Logger, type Metrics, type Pool } from '@jmap/platform';
import { WEBSOCKET, type MethodRegistry } from '@jmap/protocol';
import { EventSourceTokenRepository } from '@jmap/push-data-access';
import { COMMAND_BUS, STATE_CHANGE_FEED_FACTORY, type StateChangeFeedFactory } from '@jmap/runtime';
import { registerEventSourceRoutes } from './eventsource.route.js';
import { pushApiConfigFromEnv } from './push-api-config.js';
import { PushSubscriptionGetMethod } from './push-subscription-get.method.js';
import { PushSubscriptionSetMethod } from './push-subscription-set.method.js';
import { StateChangeHub } from './state-change-hub.js';
import { WEBSOCKET_PATH, registerWebSocketRoute } from './websocket.route.js';

@Injectable()
class PushApiRegistration implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly hub: StateChangeHub;

  constructor(
    @Inject(METHOD_REGISTRY) methods: MethodRegistry,
    @Inject(CAPABILITY_REGISTRY) capabilities: CapabilityRegistry,
    @Inject(HTTP_ROUTES) routes: HttpRoutesRegistry,
    @Inject(GATEWAY_CONFIG) gateway: GatewayConfig,
    @Inject(REQUEST_AUTH) auth: RequestAuth,
    @Inject(REQUEST_PROCESSOR) processor: RequestProcessor,
    @Inject(ACCOUNTS_REPOSITORY) accounts: AccountsRepository,
    @Inject(COMMAND_BUS) bus: CommandBus,
    @Inject(PG_POOL) pool: Pool,
    @Inject(STATE_CHANGE_FEED_FACTORY) private readonly feeds: StateChangeFeedFactory,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    const config = pushApiConfigFromEnv();
    this.hub = new StateChangeHub(metrics, logger);
    capabilities.register({
      urn: WEBSOCKET,
      session: (baseUrl) => ({ url: `${baseUrl.replace(/^http/, 'ws')}${WEBSOCKET_PATH}`, supportsPush: true }),
    });
    methods.register(new PushSubscriptionGetMethod(pool), new PushSubscriptionSetMethod(pool, accounts, bus, config));
    const tokens = new EventSourceTokenRepository(pool);
    routes.add((app) => registerEventSourceRoutes(app, { config, auth, tokens, hub: this.hub, db: pool, logger }));
    routes.add(async (app) => {
      await app.register(websocket, {
        options: {
          maxPayload: gateway.core.maxSizeRequest,
          // The handshake was checked for "jmap" before the upgrade; answer with it (RFC 8887 section 4.2).
          handleProtocols: (protocols: Set<string>) => (protocols.has('jmap') ? 'jmap' : false),
        },
      });
      registerWebSocketRoute(app, { auth, processor, hub: this.hub, db: pool, publicUrl: gateway.publicUrl, logger });
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.hub.start(this.feeds());
    this.logger.info('receiving state changes for push clients');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.hub.stop();
  }
}

@Module({ providers: [PushApiRegistration] })
export class PushApiModule {}
