/**
 * The blob store for an app: S3 (MinIO) when S3_ENDPOINT is set, otherwise files under BLOB_DIR or
 * DATA_DIR/blobs (the standalone server). Creates the bucket or directory at start and registers readiness.
 */
import { join, resolve } from 'node:path';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { FsBlobStore, S3BlobStore, type BlobStore } from '@jmap/blob-store';
import { HEALTH, METRICS, loadConfig, type Health, type Metrics } from '@jmap/platform';
import { BLOB_STORE } from './runtime.tokens.js';

/** The configured blob store; with `metrics`, S3 failures are counted (jmap_blob_store_errors_total). */
export function blobStoreFromEnv(metrics?: Metrics): BlobStore {
  const cfg = loadConfig(['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'BLOB_DIR', 'DATA_DIR']);
  if (cfg.S3_ENDPOINT) {
    return new S3BlobStore({
      endpoint: cfg.S3_ENDPOINT,
      region: cfg.S3_REGION,
      bucket: cfg.S3_BUCKET,
      accessKey: cfg.S3_ACCESS_KEY,
      secretKey: cfg.S3_SECRET_KEY,
    }, metrics);
  }
  return new FsBlobStore(resolve(cfg.BLOB_DIR ?? join(cfg.DATA_DIR, 'blobs')));
}

@Global()
@Module({})
export class BlobStoreModule {
  static forRoot(store?: BlobStore): DynamicModule {
    return {
      module: BlobStoreModule,
      providers: [
        {
          provide: BLOB_STORE,
          inject: [HEALTH, METRICS],
          useFactory: async (health: Health, metrics: Metrics) => {
            const s = store ?? blobStoreFromEnv(metrics);
            await s.init();
            health.register(s.healthCheck());
            return s;
          },
        },
      ],
      exports: [BLOB_STORE],
    };
  }
}
