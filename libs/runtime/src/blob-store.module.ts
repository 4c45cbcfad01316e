/**
 * The blob store for an app: S3 (MinIO) when S3_ENDPOINT is set, otherwise files under BLOB_DIR or
 * DATA_DIR/blobs (the standalone server). Creates the bucket or directory at start and registers readiness.
 */
import { join, resolve } from 'node:path';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { FsBlobStore, S3BlobStore, type BlobStore } from '@jmap/blob-store';
import { HEALTH, loadConfig, type Health } from '@jmap/platform';
import { BLOB_STORE } from './runtime.tokens.js';

export function blobStoreFromEnv(): BlobStore {
  const cfg = loadConfig(['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'BLOB_DIR', 'DATA_DIR']);
  if (cfg.S3_ENDPOINT) {
    return new S3BlobStore({
      endpoint: cfg.S3_ENDPOINT,
      region: cfg.S3_REGION,
      bucket: cfg.S3_BUCKET,
      accessKey: cfg.S3_ACCESS_KEY,
      secretKey: cfg.S3_SECRET_KEY,
    });
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
          inject: [HEALTH],
          useFactory: async (health: Health) => {
            const s = store ?? blobStoreFromEnv();
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
