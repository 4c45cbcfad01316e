/**
 * The platform providers every app gets: service identity, logger, metrics, health, the ops server on
 * OPS_PORT, and (when the service needs it) the PostgreSQL pool with its readiness check and optional
 * migrations at start. Apps import PlatformModule.forRoot once; libraries inject the tokens.
 */
import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { ConfigError, loadConfig } from '../config.js';
import { createPool, postgresHealthCheck, type Pool } from '../database.js';
import { Health } from '../health.js';
import { instanceId, serviceLogger, type Logger } from '../logger.js';
import { Metrics } from '../metrics.js';
import { migrate } from '../migrations.js';
import { OpsServer } from '../ops-server.js';
import { HEALTH, LOGGER, METRICS, PG_POOL, SERVICE_INFO, type ServiceInfo } from './tokens.js';

export interface PlatformOptions {
  service: string;
  /** Opens a PostgreSQL pool from DATABASE_URL (or from `databaseUrl`, which the standalone server passes). */
  postgres?: boolean;
  databaseUrl?: string;
  /** Pre-built logger (the standalone server shares one). */
  logger?: Logger;
}

@Injectable()
class OpsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly ops: OpsServer;
  constructor(
    @Inject(HEALTH) private readonly health: Health,
    @Inject(METRICS) metrics: Metrics,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.ops = new OpsServer(health, metrics, logger);
  }
  async onApplicationBootstrap(): Promise<void> {
    const cfg = loadConfig(['OPS_PORT', 'OPS_HOST', 'HOST']);
    await this.ops.listen(cfg.OPS_PORT, cfg.OPS_HOST ?? cfg.HOST);
  }
  beforeApplicationShutdown(): void {
    this.health.markShuttingDown();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.ops.close();
  }
}

@Injectable()
class PoolLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(HEALTH) health: Health,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject('PLATFORM_DB_URL') private readonly url: string,
  ) {
    health.register(postgresHealthCheck(pool));
  }
  async onModuleInit(): Promise<void> {
    if (loadConfig(['MIGRATE_ON_START']).MIGRATE_ON_START) {
      const { applied } = await migrate(this.url, this.logger);
      this.logger.info({ applied }, 'migrations applied');
    }
  }
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const logger = options.logger ?? serviceLogger(options.service);
    const info: ServiceInfo = { service: options.service, instanceId: instanceId(options.service) };
    const providers: Provider[] = [
      { provide: SERVICE_INFO, useValue: info },
      { provide: LOGGER, useValue: logger },
      { provide: METRICS, useValue: new Metrics(options.service) },
      { provide: HEALTH, useValue: new Health() },
      OpsLifecycle,
    ];
    const exported: unknown[] = [SERVICE_INFO, LOGGER, METRICS, HEALTH];
    if (options.postgres) {
      const cfg = loadConfig(['DATABASE_URL', 'DATABASE_POOL_SIZE']);
      const url = options.databaseUrl ?? cfg.DATABASE_URL;
      if (!url) throw new ConfigError('DATABASE_URL', 'is required but not set');
      providers.push(
        { provide: 'PLATFORM_DB_URL', useValue: url },
        { provide: PG_POOL, useValue: createPool(url, cfg.DATABASE_POOL_SIZE, options.service) },
        PoolLifecycle,
      );
      exported.push(PG_POOL);
    }
    return { module: PlatformModule, providers, exports: exported as never[] };
  }
}
