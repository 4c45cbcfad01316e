/**
 * The bundles that go into the container images, run the way the images run them (plain node on dist/, the
 * tracing preload, the hook tasks) against real PostgreSQL, Kafka and S3: the topic task creates the topics,
 * the migration task migrates, the gateway and the mailbox service serve a JMAP write, and with tracing on that
 * write is one trace from the gateway's HTTP span through Kafka to the mailbox service's PostgreSQL queries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client as MinioClient } from 'minio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsRepository } from '@jmap/accounts';
import {
  createTestDatabase,
  freePort,
  JmapTestClient,
  localDir,
  repoRoot,
  sleep,
  testEndpoints,
  uniqueName,
  waitReady,
} from '@jmap/testing';
import pg from 'pg';
import { buildApps } from '../../tools/build/build-apps.js';

const ROOT = repoRoot();
const APPS = ['gateway', 'mailbox-service'] as const;
const PARTITIONS = 3;

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
}

let db: { url: string; drop(): Promise<void> };
let env: NodeJS.ProcessEnv;
let collector: Server;
const spans: Array<OtlpSpan & { service: string }> = [];
const children: ChildProcess[] = [];
const logDir = localDir('e2e', uniqueName('bundles-'));
const prefix = `${uniqueName('bundles-')}.`;
const bucket = prefix.slice(0, -1);
const endpoints = testEndpoints();
const kafka = new Kafka({
  clientId: prefix,
  brokers: endpoints.KAFKA_BROKERS.split(','),
  logLevel: logLevel.NOTHING,
});

/** `node <args>` in the repository, as the image's CMD or a Job's command runs it. */
function node(args: string[], extra: NodeJS.ProcessEnv, logName: string): ChildProcess {
  const fd = openSync(join(logDir, `${logName}.log`), 'a');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...env, ...extra },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  children.push(child);
  return child;
}

function runTask(task: string, extra: NodeJS.ProcessEnv = {}): Promise<number> {
  const child = node(['--enable-source-maps', `dist/${task}/main.js`], extra, task);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/** A minimal OTLP/HTTP (JSON) trace collector. */
async function startCollector(): Promise<number> {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const data = JSON.parse(body) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{ spans: OtlpSpan[] }>;
        }>;
      };
      for (const rs of data.resourceSpans) {
        const service =
          rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
        for (const ss of rs.scopeSpans) for (const s of ss.spans) spans.push({ ...s, service });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => collector.listen(port, '127.0.0.1', resolve));
  return port;
}

beforeAll(async () => {
  await buildApps({ only: APPS });
  db = await createTestDatabase(endpoints.DATABASE_URL);
  const collectorPort = await startCollector();
  env = {
    PATH: process.env.PATH,
    ...endpoints,
    DATABASE_URL: db.url,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: String(PARTITIONS),
    S3_BUCKET: bucket,
    MIGRATIONS_DIR: join(ROOT, 'migrations'),
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
    TRACING_SAMPLE_PERCENT: '100',
  };
  mkdirSync(logDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(
    children.map((c) =>
      c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null,
    ),
  );
  collector?.close();
  const admin = kafka.admin();
  await admin.connect();
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
  if (groups.length) await admin.deleteGroups(groups).catch(() => undefined);
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length) await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
  const s3 = new URL(endpoints.S3_ENDPOINT);
  const minio = new MinioClient({
    endPoint: s3.hostname,
    port: Number(s3.port),
    useSSL: false,
    accessKey: endpoints.S3_ACCESS_KEY,
    secretKey: endpoints.S3_SECRET_KEY,
  });
  if (await minio.bucketExists(bucket).catch(() => false))
    await minio.removeBucket(bucket).catch(() => undefined);
  await db?.drop();
});

describe('the image bundles', () => {
  it('create the command, event and dead-letter topics with KAFKA_PARTITIONS partitions (the topic Job)', async () => {
    expect(await runTask('kafka-topics')).toBe(0);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const names = [
        'commands.mailbox',
        'commands.email',
        'commands.submission',
        'events',
        'commands.dlq',
        'events.dlq',
      ].map((t) => prefix + t);
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      expect(
        Object.fromEntries(topics.map((t) => [t.name.slice(prefix.length), t.partitions.length])),
      ).toEqual({
        'commands.mailbox': PARTITIONS,
        'commands.email': PARTITIONS,
        'commands.submission': PARTITIONS,
        events: PARTITIONS,
        'commands.dlq': 1,
        'events.dlq': 1,
      });
    } finally {
      await admin.disconnect();
    }
    // Idempotent: an upgrade runs it again.
    expect(await runTask('kafka-topics')).toBe(0);
  });

  it('migrate an empty database from MIGRATIONS_DIR (the migration Job), a second run finding nothing to do', async () => {
    const name = uniqueName('jmap_bundles_');
    const url = new URL(endpoints.DATABASE_URL);
    const admin = new pg.Client({
      connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString(),
    });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const target = Object.assign(new URL(url), { pathname: `/${name}` }).toString();
    try {
      expect(await runTask('migrate', { DATABASE_URL: target })).toBe(0);
      const client = new pg.Client({ connectionString: target });
      await client.connect();
      const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations');
      await client.end();
      const files = readdirSync(join(ROOT, 'migrations')).filter((f) => f.endsWith('.sql'));
      expect(rows.map((r) => `${r.name}.sql`).sort()).toEqual(files.sort());
      expect(await runTask('migrate', { DATABASE_URL: target })).toBe(0);
      expect(readFileSync(join(logDir, 'migrate.log'), 'utf8')).toContain('nothing to apply');
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });

  it('serve a JMAP write as one trace from the gateway through Kafka to the mailbox service and PostgreSQL', async () => {
    const httpPort = await freePort();
    const ops = { gateway: await freePort(), 'mailbox-service': await freePort() };
    // The image's CMD: node --enable-source-maps --import ./dist/tracing/main.js dist/$APP/main.js
    const started = APPS.map((app) =>
      node(
        ['--enable-source-maps', '--import', './dist/tracing/main.js', `dist/${app}/main.js`],
        {
          OPS_PORT: String(ops[app]),
          OPS_HOST: '127.0.0.1',
          INSTANCE_ID: `${app}-${prefix}`,
          ...(app === 'gateway' ? { PORT: String(httpPort), HOST: '127.0.0.1' } : {}),
        },
        app,
      ),
    );
    await Promise.all(APPS.map((app, i) => waitReady(ops[app], 90_000, started[i].pid)));
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const { accountId } = await new AccountsRepository(pool).createAccount({
      email: 'trace@example.com',
      password: 'trace-secret',
    });
    await pool.end();
    const client = new JmapTestClient(`http://127.0.0.1:${httpPort}`, {
      email: 'trace@example.com',
      password: 'trace-secret',
    });
    const res = await client.api(
      ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'],
      [['Mailbox/set', { accountId, create: { t: { name: 'Traced' } } }, '0']],
    );
    expect(res.status).toBe(200);
    expect(res.body.methodResponses[0][1]).toHaveProperty('created.t.id');

    const consumerName = `process ${prefix}commands.mailbox`;
    const deadline = Date.now() + 20_000;
    while (
      !spans.some((s) => s.name === consumerName && spans.some((p) => p.parentSpanId === s.spanId)) &&
      Date.now() < deadline
    )
      await sleep(250);
    const consumer = spans.find((s) => s.name === consumerName);
    expect(consumer, `spans: ${spans.map((s) => `${s.service}:${s.name}`).join(', ')}`).toBeDefined();
    const trace = spans.filter((s) => s.traceId === consumer!.traceId);
    const request = trace.find((s) => s.service === 'gateway' && s.kind === 2 && s.name === 'POST');
    expect(request, 'the gateway span of the HTTP request').toBeDefined();
    expect(consumer!.service).toBe('mailbox-service');
    expect(consumer!.kind).toBe(5); // CONSUMER
    expect(consumer!.parentSpanId).toBe(request!.spanId);
    const queries = trace
      .filter((s) => s.service === 'mailbox-service' && s.parentSpanId === consumer!.spanId)
      .map((s) => s.name);
    expect(queries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pg\.query:INSERT/),
        expect.stringMatching(/^pg\.query:COMMIT/),
      ]),
    );
    // The probes and scrapes of the ops port are not traced.
    expect(spans.filter((s) => s.name === 'GET' && s.service === 'mailbox-service')).toEqual([]);
  });
});
