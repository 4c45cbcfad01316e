/**
 * Binary data at the gateway (RFC 8620 section 6): the upload and download routes, the Blob/copy method (core
 * capability) and the periodic blob collector. Import it next to GatewayModule.forRoot(); it registers
 * everything through the gateway's registries before the HTTP server starts.
 */
import {
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Authenticator, AccountsRepository } from '@jmap/accounts';
import type { BlobStore } from '@jmap/blob-store';
import { collectBlobs } from '@jmap/blobs';
import {
  ACCOUNTS_REPOSITORY,
  AUTHENTICATOR,
  CAPABILITY_REGISTRY,
  GATEWAY_CONFIG,
  HTTP_ROUTES,
  METHOD_REGISTRY,
  RequestAuth,
  type CapabilityRegistry,
  type GatewayConfig,
  type HttpRoutesRegistry,
} from '@jmap/gateway';
import { LOGGER, METRICS, PG_POOL, loadConfig, type Logger, type Metrics, type Pool } from '@jmap/platform';
import type { MethodRegistry } from '@jmap/protocol';
import { BLOB_STORE } from '@jmap/runtime';
import { BlobCopyMethod } from './blob-copy.method.js';
import { registerDownloadRoute } from './download.route.js';
import { registerUploadRoute } from './upload.route.js';

@Injectable()
class BlobApi implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(METHOD_REGISTRY) methods: MethodRegistry,
    @Inject(HTTP_ROUTES) routes: HttpRoutesRegistry,
    @Inject(AUTHENTICATOR) authenticator: Authenticator,
    @Inject(ACCOUNTS_REPOSITORY) repo: AccountsRepository,
    @Inject(CAPABILITY_REGISTRY) capabilities: CapabilityRegistry,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    methods.register(
      new BlobCopyMethod(pool, store, {
        maxObjectsInSet: config.core.maxObjectsInSet,
        uploadExpirySeconds: config.uploadExpirySeconds,
      }),
    );
    const auth = new RequestAuth(authenticator, repo, capabilities);
    routes.add((app) => {
      registerUploadRoute(app, { config, auth, pool, store, metrics, logger });
      registerDownloadRoute(app, { auth, pool, store, logger });
    });
  }

  onApplicationBootstrap(): void {
    const { BLOB_COLLECT_INTERVAL_SECONDS: seconds } = loadConfig(['BLOB_COLLECT_INTERVAL_SECONDS']);
    if (seconds === 0) return;
    // Replicas start together; a random first delay spreads their runs (concurrent runs are safe, just wasteful).
    const run = () => {
      this.running ??= collectBlobs(this.pool, this.store, { logger: this.logger })
        .catch((err: unknown) => this.logger.error({ err }, 'blob collection failed'))
        .finally(() => (this.running = undefined));
    };
    this.timer = setTimeout(
      () => {
        run();
        this.timer = setInterval(run, seconds * 1000);
        this.timer.unref();
      },
      Math.random() * seconds * 1000,
    );
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    await this.running;
  }
}

@Module({ providers: [BlobApi] })
export class BlobApiModule {}
