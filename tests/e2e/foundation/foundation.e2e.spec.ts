/**
 * The foundation (issue 2): every service as its own process against real PostgreSQL, Kafka and S3; their ops
 * endpoints; a command produced by the gateway and consumed by the mailbox service over Kafka; the blob-store
 * library against S3; the migrations; and readiness that names PostgreSQL when PostgreSQL stops. The stack runs
 * on a PostgreSQL of this test's own, so stopping it disturbs no other test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '@jmap/blob-store';
import { migrationsDir } from '@jmap/platform';
import { freePort, SERVICES, startPostgres, startTestStack, stopPostgres, type TestStack } from '@jmap/testing';
import { parsePrometheusText } from './prometheus-text.js';

const pgDir = mkdtempSync(join(tmpdir(), 'jmap-foundation-pg-'));
let pgOptions: { dir: string; port: number; fast: boolean };
let stack: TestStack;

async function readyz(service: (typeof SERVICES)[number]): Promise<{ status: number; body: { failing: string[]; checks: Record<string, { ok: boolean }> } }> {
  const res = await fetch(`${stack.opsUrl(service)}/readyz`);
  return { status: res.status, body: (await res.json()) as never };
}

async function eventually<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  pgOptions = { dir: pgDir, port: await freePort(), fast: true };
  const pg = await startPostgres(pgOptions);
  stack = await startTestStack({ services: SERVICES, postgresUrl: pg.url, readyTimeoutMs: 120_000 });
});

afterAll(async () => {
  await stack?.stop();
  await stopPostgres(pgOptions);
  rmSync(pgDir, { recursive: true, force: true });
});

describe('every service as its own process', () => {
  it('answers /healthz and /readyz with 200, checking the dependencies it uses', async () => {
    for (const service of SERVICES) {
      expect((await fetch(`${stack.opsUrl(service)}/healthz`)).status).toBe(200);
      const { status, body } = await readyz(service);
      expect(status, `${service}: ${JSON.stringify(body)}`).toBe(200);
      expect(body.checks.postgres?.ok).toBe(true);
      expect(body.checks.kafka?.ok).toBe(true);
    }
    expect((await readyz('gateway')).body.checks.s3?.ok).toBe(true);
  });

  it('serves valid Prometheus text on /metrics with the process metrics and its own', async () => {
    for (const service of SERVICES) {
      const res = await fetch(`${stack.opsUrl(service)}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const { families, samples } = parsePrometheusText(await res.text());
      expect(families.get('process_cpu_user_seconds_total')).toBe('counter');
      expect(samples.find((s) => s.name === 'process_resident_memory_bytes')!.labels.service).toBe(service);
    }
    const gateway = parsePrometheusText(await (await fetch(`${stack.opsUrl('gateway')}/metrics`)).text());
    expect(gateway.families.get('jmap_method_duration_seconds')).toBe('histogram');
  });

  it('has applied every migration', async () => {
    const files = readdirSync(migrationsDir()).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
    const { rows } = await stack.db.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY name');
    expect(rows.map((r) => r.name)).toEqual(files);
  });
});

describe('Kafka between services', () => {
  it('carries a command from the gateway to the mailbox service and its reply back', async () => {
    const before = await fetch(`${stack.opsUrl('mailbox-service')}/metrics`).then((r) => r.text());
    const received = (text: string) =>
      parsePrometheusText(text).samples.find((s) => s.name === 'jmap_commands_received_total' && s.labels.service === 'mailbox')?.value ?? 0;
    const { accountId } = await stack.createAccount('foundation@example.com', 'foundation-pw');
    const client = stack.client({ email: 'foundation@example.com', password: 'foundation-pw' });
    const res = await client.api(
      ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'],
      [['Mailbox/set', { accountId, create: { k: { name: 'Over Kafka' } } }, 'c1']],
    );
    expect(res.body.methodResponses[0][0]).toBe('Mailbox/set');
    expect(res.body.methodResponses[0][1].created).toHaveProperty('k');
    const after = await fetch(`${stack.opsUrl('mailbox-service')}/metrics`).then((r) => r.text());
    expect(received(after)).toBeGreaterThan(received(before));
    const { rows } = await stack.db.query("SELECT 1 FROM mailboxes WHERE account_id = $1 AND name = 'Over Kafka'", [accountId]);
    expect(rows).toHaveLength(1);
  });
});

describe('the blob-store library against S3', () => {
  it('writes an object and reads the same bytes back, whole and by range', async () => {
    const store = new S3BlobStore({
      endpoint: stack.env.S3_ENDPOINT,
      region: 'us-east-1',
      bucket: stack.bucket,
      accessKey: stack.env.S3_ACCESS_KEY,
      secretKey: stack.env.S3_SECRET_KEY,
    });
    await store.init();
    const bytes = randomBytes(100_000);
    const { sha256, size } = await store.put(bytes);
    expect(size).toBe(bytes.length);
    expect((await store.get(sha256)).equals(bytes)).toBe(true);
    const chunks: Buffer[] = [];
    for await (const c of await store.getRange(sha256, 10, 19)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bytes.subarray(10, 20))).toBe(true);
    expect((await stack.bucketObjects()).some((k) => k.endsWith(sha256))).toBe(true);
  });
});

describe('readiness without PostgreSQL', () => {
  it('answers 503 naming postgres while it is stopped, and 200 again once it is back', async () => {
    await stopPostgres(pgOptions);
    for (const service of SERVICES) {
      const { body } = await eventually(`${service} to report postgres down`, () => readyz(service), (r) => r.status === 503);
      expect(body.failing).toContain('postgres');
      expect(body.failing).not.toContain('kafka');
    }
    await startPostgres(pgOptions);
    for (const service of SERVICES) await eventually(`${service} to be ready again`, () => readyz(service), (r) => r.status === 200);
  });
});
