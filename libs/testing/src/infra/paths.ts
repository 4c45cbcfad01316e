import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is libs/testing/src/infra/paths.ts). */
export function repoRoot(): string {
  return resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
}

/** Downloads and builds (Kafka jars, the MinIO binary) live outside the repository and survive clones. */
export function cacheDir(): string {
  return process.env.JMAP_INFRA_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'jmap-infra');
}

/** Per-checkout state: running servers' data, logs, pid files and the endpoints file. */
export function localDir(...parts: string[]): string {
  return join(repoRoot(), '.local', ...parts);
}
