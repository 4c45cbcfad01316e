/**
 * The per-stack resources of e2e tests outside the processes: the S3 bucket and Kafka topics a stack used, and
 * the log directories of earlier stacks.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client as MinioClient } from 'minio';
import type { Endpoints } from './infra/infra.js';

/** The logs of each stack stay in .local/e2e/<stack> for a day, for looking into failures. */
export function pruneOldLogs(dir: string): void {
  if (!existsSync(dir)) return;
  const dayAgo = Date.now() - 86_400_000;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
  }
}

export function minio(endpoints: Endpoints): MinioClient {
  const u = new URL(endpoints.S3_ENDPOINT);
  return new MinioClient({
    endPoint: u.hostname,
    port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
    useSSL: u.protocol === 'https:',
    accessKey: endpoints.S3_ACCESS_KEY,
    secretKey: endpoints.S3_SECRET_KEY,
    pathStyle: true,
  });
}

export async function listObjects(client: MinioClient, bucket: string): Promise<string[]> {
  if (!(await client.bucketExists(bucket))) return [];
  const keys: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) {
    if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
  }
  return keys.sort();
}

export async function dropBucket(client: MinioClient, bucket: string): Promise<void> {
  const keys = await listObjects(client, bucket);
  if (keys.length > 0) await client.removeObjects(bucket, keys);
  if (await client.bucketExists(bucket)) await client.removeBucket(bucket);
}

export async function dropTopics(brokers: string, prefix: string): Promise<void> {
  const admin = new Kafka({
    clientId: `${prefix}cleanup`,
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 10_000 });
  } finally {
    await admin.disconnect();
  }
}
