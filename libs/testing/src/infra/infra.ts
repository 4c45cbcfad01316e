/**
 * The local infrastructure harness behind `npm run infra:up|down|status`, `npm test` and `npm run stack`:
 * PostgreSQL, Kafka and MinIO as detached processes on loopback high ports, installed when missing.
 * Environment variables that point at existing servers (DATABASE_URL, KAFKA_BROKERS, S3_ENDPOINT) win: for
 * those, nothing is started. The endpoints are written to .local/infra/endpoints.json for other commands.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { localDir } from './paths.js';
import { startKafka, stopKafka, kafkaInstance, type KafkaOptions } from './kafka.js';
import { startMinio, stopMinio, minioInstance, type MinioOptions } from './minio.js';
import { startPostgres, stopPostgres, postgresInstance, type PostgresOptions } from './postgres.js';
import { portOpen, readPid } from './process.js';

export interface Endpoints {
  DATABASE_URL: string;
  KAFKA_BROKERS: string;
  S3_ENDPOINT: string;
  S3_ACCESS_KEY: string;
  S3_SECRET_KEY: string;
}

export interface InfraLayout {
  dir: string;
  postgres: PostgresOptions;
  kafka: KafkaOptions;
  minio: MinioOptions;
}

export function defaultLayout(dir = localDir('infra')): InfraLayout {
  const port = (name: string, fallback: number) => Number(process.env[name] || fallback);
  return {
    dir,
    postgres: { dir: join(dir, 'postgres'), port: port('INFRA_POSTGRES_PORT', 55432), fast: true },
    kafka: {
      dir: join(dir, 'kafka'),
      port: port('INFRA_KAFKA_PORT', 59092),
      controllerPort: port('INFRA_KAFKA_CONTROLLER_PORT', 59093),
    },
    minio: { dir: join(dir, 'minio'), port: port('INFRA_MINIO_PORT', 59000), consolePort: port('INFRA_MINIO_CONSOLE_PORT', 59001) },
  };
}

export interface InfraUpResult {
  endpoints: Endpoints;
  /** Components this call started (the caller stops only these). */
  started: Array<'postgres' | 'kafka' | 'minio'>;
  external: Array<'postgres' | 'kafka' | 'minio'>;
}

type Component = 'postgres' | 'kafka' | 'minio';

export async function infraUp(
  layout: InfraLayout = defaultLayout(),
  log: (m: string) => void = () => undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InfraUpResult> {
  mkdirSync(layout.dir, { recursive: true });
  const started: Component[] = [];
  const external: Component[] = [];
  const wasRunning = (pidFile: string) => readPid(pidFile) !== null;

  const tasks: Array<Promise<void>> = [];
  const endpoints = {} as Endpoints;

  if (env.DATABASE_URL) {
    external.push('postgres');
    endpoints.DATABASE_URL = env.DATABASE_URL;
  } else {
    const running = wasRunning(postgresInstance(layout.postgres).pidFile);
    tasks.push(
      startPostgres(layout.postgres, log).then((i) => {
        endpoints.DATABASE_URL = i.url;
        if (!running) started.push('postgres');
      }),
    );
  }
  if (env.S3_ENDPOINT) {
    external.push('minio');
    endpoints.S3_ENDPOINT = env.S3_ENDPOINT;
    endpoints.S3_ACCESS_KEY = env.S3_ACCESS_KEY ?? 'minioadmin';
    endpoints.S3_SECRET_KEY = env.S3_SECRET_KEY ?? 'minioadmin';
  } else {
    const running = wasRunning(minioInstance(layout.minio).pidFile);
    tasks.push(
      startMinio(layout.minio, log).then((i) => {
        endpoints.S3_ENDPOINT = i.endpoint;
        endpoints.S3_ACCESS_KEY = i.accessKey;
        endpoints.S3_SECRET_KEY = i.secretKey;
        if (!running) started.push('minio');
      }),
    );
  }
  if (env.KAFKA_BROKERS) {
    external.push('kafka');
    endpoints.KAFKA_BROKERS = env.KAFKA_BROKERS;
  } else {
    const running = wasRunning(kafkaInstance(layout.kafka).pidFile);
    tasks.push(
      startKafka(layout.kafka, log).then((i) => {
        endpoints.KAFKA_BROKERS = i.brokers;
        if (!running) started.push('kafka');
      }),
    );
  }
  const results = await Promise.allSettled(tasks);
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    throw new Error(failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join('\n'));
  }
  writeFileSync(join(layout.dir, 'endpoints.json'), `${JSON.stringify(endpoints, null, 2)}\n`);
  return { endpoints, started, external };
}

export async function infraDown(
  layout: InfraLayout = defaultLayout(),
  only?: readonly Component[],
  log: (m: string) => void = () => undefined,
): Promise<void> {
  const want = (c: Component) => !only || only.includes(c);
  await Promise.all([
    want('kafka') ? stopKafka(layout.kafka).then((s) => s && log('kafka stopped')) : undefined,
    want('minio') ? stopMinio(layout.minio).then((s) => s && log('minio stopped')) : undefined,
    want('postgres') ? stopPostgres(layout.postgres).then((s) => s && log('postgres stopped')) : undefined,
  ]);
  if (!only) rmSync(join(layout.dir, 'endpoints.json'), { force: true });
}

export interface ComponentStatus {
  name: Component;
  running: boolean;
  pid: number | null;
  endpoint: string;
  listening: boolean;
}

export async function infraStatus(layout: InfraLayout = defaultLayout()): Promise<ComponentStatus[]> {
  const pg = postgresInstance(layout.postgres);
  const k = kafkaInstance(layout.kafka);
  const m = minioInstance(layout.minio);
  const entries: Array<[Component, string, string, number]> = [
    ['postgres', pg.pidFile, pg.url, layout.postgres.port],
    ['kafka', k.pidFile, k.brokers, layout.kafka.port],
    ['minio', m.pidFile, m.endpoint, layout.minio.port],
  ];
  return Promise.all(
    entries.map(async ([name, pidFile, endpoint, port]) => {
      const pid = readPid(pidFile);
      return { name, running: pid !== null, pid, endpoint, listening: await portOpen(port) };
    }),
  );
}

/** Endpoints of a running `infra:up`, or null. */
export function readEndpoints(layout: InfraLayout = defaultLayout()): Endpoints | null {
  const file = join(layout.dir, 'endpoints.json');
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as Endpoints;
}
