/**
 * Immutable, content-addressed blob storage (invariant 6): a blob's key is the SHA-256 of its bytes, so the
 * same content is stored once and a key can never name different bytes. Two implementations behind one
 * interface: S3 (MinIO or any S3 API) and a directory of files for the standalone server.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { HealthCheck } from '@jmap/platform';

export interface BlobInfo {
  /** Lowercase hex SHA-256 of the content. */
  readonly sha256: string;
  readonly size: number;
}

export interface BlobStore {
  /** Stores bytes under their SHA-256 (no-op when already present) and returns the key. */
  put(data: Buffer): Promise<BlobInfo>;
  /** Whole content; throws BlobNotFoundError when absent. */
  get(sha256: string): Promise<Buffer>;
  /** A byte range [start, end] inclusive, as a stream (for HTTP Range requests). */
  getRange(sha256: string, start: number, end: number): Promise<Readable>;
  /** Whole content as a stream. */
  stream(sha256: string): Promise<Readable>;
  stat(sha256: string): Promise<BlobInfo | null>;
  delete(sha256: string): Promise<void>;
  healthCheck(): HealthCheck;
  /** Creates the bucket or directory when missing. */
  init(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly sha256: string) {
    super(`blob ${sha256} not found`);
    this.name = 'BlobNotFoundError';
  }
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Object path of a blob: two levels of fan-out keep directories and S3 prefixes small. */
export function blobPath(sha256: string): string {
  if (!HEX64.test(sha256)) throw new Error(`not a SHA-256 key: ${sha256}`);
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}
