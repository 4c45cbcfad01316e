/**
 * MinIO (S3 API) built from source with `go install` into a cache outside the repository, run on a loopback
 * port. The product speaks S3 only through the `minio` client library, so this exercises the real path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readPid, requireTool, spawnDetached, stopProcess, waitFor } from './process.js';
import { cacheDir, repoRoot } from './paths.js';

/**
 * Pinned in tools/infra/minio.version (read by .ci/run too) so that every machine builds the same server;
 * MinIO publishes no semver tags for `go install`.
 */
export const MINIO_MODULE = readFileSync(join(repoRoot(), 'tools/infra/minio.version'), 'utf8').trim();

export interface MinioOptions {
  dir: string;
  port: number;
  consolePort: number;
  accessKey?: string;
  secretKey?: string;
}

export interface MinioInstance {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  logFile: string;
  pidFile: string;
}

export function minioBinary(): string {
  return join(cacheDir(), 'go-bin', 'minio');
}

export function installMinio(log: (m: string) => void = () => undefined): string {
  const bin = minioBinary();
  if (existsSync(bin)) return bin;
  requireTool('go', 'to build MinIO (go install)', 'Install Go 1.24+ (Debian: apt-get install golang, or from go.dev).');
  log(`building MinIO with go install (${MINIO_MODULE}); this takes a few minutes the first time`);
  mkdirSync(join(cacheDir(), 'go-bin'), { recursive: true });
  execFileSync('go', ['install', MINIO_MODULE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: join(cacheDir(), 'go-bin'), CGO_ENABLED: '0' },
  });
  return bin;
}

export function minioInstance(o: MinioOptions): MinioInstance {
  return {
    endpoint: `http://127.0.0.1:${o.port}`,
    accessKey: o.accessKey ?? 'minioadmin',
    secretKey: o.secretKey ?? 'minioadmin',
    logFile: join(o.dir, 'minio.log'),
    pidFile: join(o.dir, 'minio.pid'),
  };
}

async function healthy(endpoint: string): Promise<boolean> {
  const res = await fetch(`${endpoint}/minio/health/ready`, { signal: AbortSignal.timeout(1000) });
  return res.ok;
}

export async function startMinio(o: MinioOptions, log: (m: string) => void = () => undefined): Promise<MinioInstance> {
  const inst = minioInstance(o);
  if (readPid(inst.pidFile) !== null) {
    log(`minio already running at ${inst.endpoint}`);
    await waitFor('MinIO', () => healthy(inst.endpoint), 60_000, inst.logFile);
    return inst;
  }
  const bin = installMinio(log);
  mkdirSync(join(o.dir, 'data'), { recursive: true });
  spawnDetached(
    bin,
    ['server', '--quiet', '--address', `127.0.0.1:${o.port}`, '--console-address', `127.0.0.1:${o.consolePort}`, join(o.dir, 'data')],
    {
      logFile: inst.logFile,
      pidFile: inst.pidFile,
      env: {
        ...process.env,
        MINIO_ROOT_USER: inst.accessKey,
        MINIO_ROOT_PASSWORD: inst.secretKey,
        MINIO_BROWSER: 'off',
        MINIO_UPDATE: 'off',
      },
    },
  );
  await waitFor('MinIO', () => healthy(inst.endpoint), 60_000, inst.logFile);
  log(`minio listening at ${inst.endpoint}`);
  return inst;
}

export async function stopMinio(o: MinioOptions): Promise<boolean> {
  return stopProcess(minioInstance(o).pidFile, 'SIGTERM', 15_000);
}
