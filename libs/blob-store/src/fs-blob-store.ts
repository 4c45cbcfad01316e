import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { HealthCheck } from '@jmap/platform';
import { BlobNotFoundError, blobPath, sha256Hex, type BlobInfo, type BlobStore } from './blob-store.js';

/**
 * Blobs as files under a directory, with the same content addressing as S3. Writes go to a temporary file
 * that is renamed into place, so a crash never leaves a partial blob under its final name.
 */
export class FsBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.dir, 'sha256'), { recursive: true });
  }

  private path(sha256: string): string {
    return join(this.dir, blobPath(sha256));
  }

  async put(data: Buffer): Promise<BlobInfo> {
    const sha256 = sha256Hex(data);
    const target = this.path(sha256);
    if (!(await this.stat(sha256))) {
      await mkdir(dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, data);
      await rename(tmp, target);
    }
    return { sha256, size: data.length };
  }

  async get(sha256: string): Promise<Buffer> {
    try {
      return await readFile(this.path(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(sha256);
      throw err;
    }
  }

  async stream(sha256: string): Promise<Readable> {
    if (!(await this.stat(sha256))) throw new BlobNotFoundError(sha256);
    return createReadStream(this.path(sha256));
  }

  async getRange(sha256: string, start: number, end: number): Promise<Readable> {
    if (!(await this.stat(sha256))) throw new BlobNotFoundError(sha256);
    return createReadStream(this.path(sha256), { start, end });
  }

  async stat(sha256: string): Promise<BlobInfo | null> {
    try {
      const s = await stat(this.path(sha256));
      return { sha256, size: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.path(sha256), { force: true });
  }

  healthCheck(): HealthCheck {
    return {
      name: 'blobs',
      check: async () => {
        await stat(join(this.dir, 'sha256'));
      },
    };
  }
}
