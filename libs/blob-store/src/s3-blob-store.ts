import type { Readable } from 'node:stream';
import { Client } from 'minio';
import type { Counter, HealthCheck, Metrics } from '@jmap/platform';
import { BlobNotFoundError, blobPath, sha256Hex, type BlobInfo, type BlobStore } from './blob-store.js';

export interface S3Settings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchObject';
}

const OPERATIONS = ['put', 'get', 'stat', 'delete'] as const;
type Operation = (typeof OPERATIONS)[number];

/** Blobs in an S3 bucket through the MinIO client (the only S3 API user in the project). */
export class S3BlobStore implements BlobStore {
  private readonly client: Client;
  private readonly errors?: Counter<'operation'>;

  constructor(
    private readonly settings: S3Settings,
    metrics?: Metrics,
  ) {
    this.errors = metrics?.counter('jmap_blob_store_errors_total', 'Failed S3 requests (not found excepted), by operation', ['operation']);
    // Every operation has a series from the start, so that a rate over it reads 0 rather than nothing.
    for (const operation of OPERATIONS) this.errors?.inc({ operation }, 0);
    const url = new URL(settings.endpoint);
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
      useSSL: url.protocol === 'https:',
      accessKey: settings.accessKey,
      secretKey: settings.secretKey,
      region: settings.region,
      pathStyle: true,
    });
  }

  async init(): Promise<void> {
    const exists = await this.client.bucketExists(this.settings.bucket);
    if (!exists) {
      try {
        await this.client.makeBucket(this.settings.bucket, this.settings.region);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw err;
      }
    }
  }

  /** Counts a failure of `operation` (a missing object is an answer, not a failure) and rethrows it. */
  private counted(operation: Operation, err: unknown): never {
    if (!isNotFound(err)) this.errors?.inc({ operation });
    throw err;
  }

  async put(data: Buffer): Promise<BlobInfo> {
    const sha256 = sha256Hex(data);
    const existing = await this.stat(sha256);
    if (!existing) {
      await this.client
        .putObject(this.settings.bucket, blobPath(sha256), data, data.length, { 'Content-Type': 'application/octet-stream' })
        .catch((err: unknown) => this.counted('put', err));
    }
    return { sha256, size: data.length };
  }

  async get(sha256: string): Promise<Buffer> {
    const stream = await this.stream(sha256);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async stream(sha256: string): Promise<Readable> {
    try {
      return await this.client.getObject(this.settings.bucket, blobPath(sha256));
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(sha256);
      this.counted('get', err);
    }
  }

  async getRange(sha256: string, start: number, end: number): Promise<Readable> {
    try {
      return await this.client.getPartialObject(this.settings.bucket, blobPath(sha256), start, end - start + 1);
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(sha256);
      this.counted('get', err);
    }
  }

  async stat(sha256: string): Promise<BlobInfo | null> {
    try {
      const s = await this.client.statObject(this.settings.bucket, blobPath(sha256));
      return { sha256, size: s.size };
    } catch (err) {
      if (isNotFound(err)) return null;
      this.counted('stat', err);
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.client.removeObject(this.settings.bucket, blobPath(sha256)).catch((err: unknown) => this.counted('delete', err));
  }

  healthCheck(): HealthCheck {
    return {
      name: 's3',
      check: async () => {
        if (!(await this.client.bucketExists(this.settings.bucket))) throw new Error(`bucket ${this.settings.bucket} missing`);
      },
    };
  }
}
