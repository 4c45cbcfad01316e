/**
 * The gateway feature: JMAP over HTTP on the Nest application's Fastify instance. Registers the core
 * capability and Core/echo; data-type features register their methods, capabilities and routes through the
 * registries this module exports. Bodies are read raw (no framework parsing) so that notJSON, notRequest and
 * the size limits get the JMAP answers the RFC names.
 */
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import {
  Global,
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AccessChanges, AccountsRepository, Authenticator } from '@jmap/accounts';
import { LOGGER, METRICS, PG_POOL, type Logger, type Metrics, type Pool } from '@jmap/platform';
import { CORE, MethodRegistry, limitError } from '@jmap/protocol';
import { registerApiRoute } from './api.route.js';
import { CapabilityRegistry } from './capability.registry.js';
import { CoreEchoMethod } from './core-echo.method.js';
import { gatewayConfigFromEnv, type GatewayConfig } from './gateway-config.js';
import {
  ACCESS_CHANGES,
  ACCOUNTS_REPOSITORY,
  AUTHENTICATOR,
  CAPABILITY_REGISTRY,
  GATEWAY_CONFIG,
  HTTP_ROUTES,
  METHOD_REGISTRY,
  REQUEST_AUTH,
  REQUEST_PROCESSOR,
} from './gateway.tokens.js';
import { sendProblem, sendRequestError } from './http-support.js';
import { HttpRoutesRegistry } from './http-routes.registry.js';
import { RequestAuth } from './request-auth.js';
import { RequestProcessor } from './request-processor.js';
import { registerSessionRoutes } from './session.route.js';

@Injectable()
class GatewayHttp implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(METHOD_REGISTRY) private readonly methods: MethodRegistry,
    @Inject(CAPABILITY_REGISTRY) private readonly capabilities: CapabilityRegistry,
    @Inject(REQUEST_AUTH) private readonly auth: RequestAuth,
    @Inject(REQUEST_PROCESSOR) private readonly processor: RequestProcessor,
    @Inject(HTTP_ROUTES) private readonly routes: HttpRoutesRegistry,
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ACCESS_CHANGES) private readonly accessChanges: AccessChanges | null,
  ) {
    capabilities.register({ urn: CORE, session: () => ({ ...config.core }), account: () => ({}) });
    methods.register(new CoreEchoMethod());
    if (accessChanges) {
      metrics.gauge(
        'jmap_access_listening',
        '1 while the gateway listens for access changes and answers known logins from memory (ADR 0011), else 0',
        [],
        function () {
          this.set(accessChanges.isListening ? 1 : 0);
        },
      );
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    this.accessChanges?.start();
    const app = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Everything lives in one encapsulated plugin scope, so our body parsers and error handler replace the
    // framework's without touching anything else on the server.
    await app.register(async (scope) => {
      await scope.register(compress, {
        global: true,
        threshold: 1024,
        encodings: ['br', 'gzip', 'deflate'],
        // Measured on a 5 MB Email/get of 10,000 listing objects: brotli quality 2 takes 21 ms for 201 kB, quality
        // 4 52 ms for 217 kB; gzip level 5 20 ms for 232 kB, level 6 34 ms for 231 kB (docs/benchmarks.md).
        brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 2 } },
        zlibOptions: { level: 5 },
      });
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: this.config.core.maxSizeRequest }, (_req, body, done) =>
        done(null, body),
      );
      scope.setErrorHandler((err: FastifyError, req, reply) => this.onError(err, req.url, reply));
      registerSessionRoutes(scope, { config: this.config, auth: this.auth, capabilities: this.capabilities });
      registerApiRoute(scope, {
        auth: this.auth,
        processor: this.processor,
        publicUrl: this.config.publicUrl,
        metrics: this.metrics,
        logger: this.logger,
      });
      for (const registrar of this.routes.all) await registrar(scope);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.accessChanges?.stop();
  }

  private onError(err: FastifyError, url: string, reply: FastifyReply): FastifyReply {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      if (url.startsWith('/jmap/upload')) {
        return sendProblem(reply, 413, {
          type: 'urn:ietf:params:jmap:error:limit',
          limit: 'maxSizeUpload',
          detail: `Uploads are limited to ${this.config.core.maxSizeUpload} octets.`,
        });
      }
      return sendRequestError(reply, limitError('maxSizeRequest', `Requests are limited to ${this.config.core.maxSizeRequest} octets.`));
    }
    if (err.statusCode && err.statusCode < 500) {
      return sendProblem(reply, err.statusCode, { type: 'about:blank', detail: err.message });
    }
    this.logger.error({ err, url }, 'request failed');
    return sendProblem(reply, 500, { type: 'about:blank', title: 'Internal Server Error', detail: 'An unexpected error occurred.' });
  }
}

@Global()
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig = gatewayConfigFromEnv()): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: METHOD_REGISTRY, useValue: new MethodRegistry() },
        { provide: CAPABILITY_REGISTRY, useValue: new CapabilityRegistry() },
        { provide: HTTP_ROUTES, useValue: new HttpRoutesRegistry() },
        { provide: ACCOUNTS_REPOSITORY, inject: [PG_POOL], useFactory: (pool: Pool) => new AccountsRepository(pool) },
        {
          provide: ACCESS_CHANGES,
          inject: [PG_POOL, LOGGER],
          useFactory: (pool: Pool, logger: Logger) => (config.auth.listen ? new AccessChanges(pool, logger) : null),
        },
        {
          provide: AUTHENTICATOR,
          inject: [PG_POOL, ACCOUNTS_REPOSITORY, ACCESS_CHANGES],
          useFactory: (pool: Pool, repo: AccountsRepository, changes: AccessChanges | null) =>
            new Authenticator(pool, repo, config.auth, changes ?? undefined),
        },
        {
          provide: REQUEST_AUTH,
          inject: [AUTHENTICATOR, ACCOUNTS_REPOSITORY, CAPABILITY_REGISTRY, ACCESS_CHANGES],
          useFactory: (
            authenticator: Authenticator,
            repo: AccountsRepository,
            capabilities: CapabilityRegistry,
            changes: AccessChanges | null,
          ) => new RequestAuth(authenticator, repo, capabilities, changes),
        },
        {
          provide: REQUEST_PROCESSOR,
          inject: [METHOD_REGISTRY, CAPABILITY_REGISTRY, METRICS, LOGGER],
          useFactory: (methods: MethodRegistry, capabilities: CapabilityRegistry, metrics: Metrics, logger: Logger) =>
            new RequestProcessor(config, methods, capabilities, metrics, logger),
        },
        GatewayHttp,
      ],
      exports: [
        GATEWAY_CONFIG,
        METHOD_REGISTRY,
        CAPABILITY_REGISTRY,
        HTTP_ROUTES,
        ACCOUNTS_REPOSITORY,
        AUTHENTICATOR,
        REQUEST_AUTH,
        REQUEST_PROCESSOR,
      ],
    };
  }
}
