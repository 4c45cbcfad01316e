/**
 * End-to-end test stacks: the services as child processes of the test, each file with its own world — a fresh
 * migrated database, a unique Kafka topic prefix and a unique S3 bucket — so files never see each other's data.
 *
 *   const stack = await startTestStack({ services: ['gateway'], env: { MAX_CALLS_IN_REQUEST: '4' } });
 *   const { accountId } = await stack.createAccount('alice@example.com', 'secret');
 *   const alice = stack.client({ email: 'alice@example.com', password: 'secret' });
 *   await stack.stop();
 *
 * Start only the services a file needs: every process costs a couple of seconds of start-up on two cores.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { dropBucket, dropTopics, listObjects, minio, pruneOldLogs } from './e2e-resources.js';
import { createTestDatabase, testEndpoints, uniqueName } from './harness.js';
import { localDir, repoRoot } from './infra/paths.js';
import { isAlive, sleep } from './infra/process.js';
import { JmapTestClient, type Credentials } from './jmap-client.js';
import {
  spawnService,
  startBalancer,
  waitReady,
  type ServiceName,
  type ServiceProcess,
  type StackOptions,
} from './stack.js';

export interface TestStackOptions {
  /** Services to run (default: the gateway only). */
  services?: readonly ServiceName[];
  /** Replicas of each service (default 1); several gateways get a balancer in front. */
  replicas?: number;
  /** Extra environment for every service (limits, timeouts ...). */
  env?: Record<string, string>;
  /** Start-up deadline per process. */
  readyTimeoutMs?: number;
  /** A PostgreSQL server of the test's own to create the stack's database on (default: the shared one). */
  postgresUrl?: string;
}

export interface TestStack {
  /** Base URL of the gateway (of the balancer with several replicas). */
  readonly url: string;
  /** Base URL of one gateway replica, bypassing the balancer. */
  gatewayUrl(replica?: number): string;
  readonly databaseUrl: string;
  readonly topicPrefix: string;
  readonly bucket: string;
  /** The environment the services run with (endpoints, prefix, bucket, options.env). */
  readonly env: Record<string, string>;
  /** A pool on the test database, for checking what the services wrote. */
  readonly db: pg.Pool;
  opsUrl(service: ServiceName, replica?: number): string;
  /** LMTP port of a delivery-service replica. */
  lmtpPort(replica?: number): number;
  kill(service: ServiceName, replica?: number, signal?: NodeJS.Signals): Promise<void>;
  restart(service: ServiceName, replica?: number): Promise<void>;
  stop(): Promise<void>;
  /** Creates an account with `npm run admin -- account create` (so its provisioners run too). */
  createAccount(email: string, password: string): Promise<{ accountId: string; principalId: string }>;
  /** Runs the admin command line against this stack. */
  admin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  client(credentials: Credentials): JmapTestClient;
  /** Object keys in the stack's bucket. */
  bucketObjects(): Promise<string[]>;
  /** The last lines of a process's log, for failure messages. */
  logTail(service: ServiceName, replica?: number, lines?: number): string;
}

/** The lowest ephemeral port (outgoing connections, listen(0)) of the kernel; Linux's default elsewhere. */
function lowestEphemeralPort(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (low > 0) return low;
  } catch {
    // not Linux
  }
  return 32768;
}

const handedOut = new Set<number>();

async function canListen(port: number): Promise<boolean> {
  const server: Server = createServer();
  const ok = await new Promise<boolean>((resolve) =>
    server.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => resolve(true)),
  );
  if (ok) await new Promise<void>((resolve) => server.close(() => resolve()));
  return ok;
}

/**
 * A port for a process to listen on, free now. Taken outside the ephemeral range where there is room below
 * it: a port from listen(0) is free again once probed, and any outgoing connection (Kafka, PostgreSQL, MinIO
 * clients of the processes starting meanwhile) may take it before the service listens (EADDRINUSE). For test
 * processes only: below the ephemeral range lie the fixed ports of other services, which a long-running server
 * (the embedded PostgreSQL of `npm start` keeps listen(0)) should not hold.
 */
export async function freePort(): Promise<number> {
  const low = lowestEphemeralPort();
  const from = 10_000;
  if (low - from >= 1000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = from + Math.floor(Math.random() * (low - from));
      if (handedOut.has(port) || !(await canListen(port))) continue;
      handedOut.add(port);
      return port;
    }
  }
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

async function waitHttp(url: string, deadline: number, pid: number): Promise<void> {
  for (;;) {
    try {
      await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      if (!isAlive(pid)) throw new Error(`process ${pid} exited before serving ${url}`);
      if (Date.now() > deadline) throw new Error(`${url} not answering`);
      await sleep(100);
    }
  }
}

async function waitExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const endpoints = testEndpoints();
  const name = uniqueName('e2e-');
  const database = await createTestDatabase(options.postgresUrl ?? endpoints.DATABASE_URL);
  const topicPrefix = `${name}.`;
  const bucket = name;
  const env: Record<string, string> = {
    ...endpoints,
    DATABASE_URL: database.url,
    KAFKA_TOPIC_PREFIX: topicPrefix,
    KAFKA_PARTITIONS: '4',
    S3_BUCKET: bucket,
    LOG_LEVEL: 'info',
    ...options.env,
  };
  pruneOldLogs(localDir('e2e'));
  const logDir = localDir('e2e', name);
  const stackOptions: StackOptions = { endpoints, port: 0, opsPortBase: 0, logDir, env, detached: false };
  const readyTimeout = options.readyTimeoutMs ?? 90_000;
  const procs: ServiceProcess[] = [];
  for (const service of options.services ?? ['gateway']) {
    for (let replica = 1; replica <= (options.replicas ?? 1); replica++) {
      const httpPort = service === 'gateway' ? await freePort() : undefined;
      const lmtpPort = service === 'delivery-service' ? await freePort() : undefined;
      procs.push({
        service,
        replica,
        opsPort: await freePort(),
        httpPort,
        lmtpPort,
        logFile: join(logDir, `${service}-${replica}.log`),
        pid: 0,
      });
    }
  }
  const find = (service: ServiceName, replica = 1) => {
    const p = procs.find((x) => x.service === service && x.replica === replica);
    if (!p) throw new Error(`no ${service} #${replica} in this stack`);
    return p;
  };
  const launch = async (p: ServiceProcess) => {
    const started = spawnService(stackOptions, p);
    Object.assign(p, { pid: started.pid, child: started.child });
    try {
      const deadline = Date.now() + readyTimeout;
      await waitReady(p.opsPort, readyTimeout, p.pid);
      if (p.httpPort) await waitHttp(`http://127.0.0.1:${p.httpPort}/.well-known/jmap`, deadline, p.pid);
    } catch (err) {
      throw new Error(
        `${p.service} #${p.replica} did not start: ${(err as Error).message}\n${tail(p.logFile)}`,
      );
    }
  };
  const terminate = async (p: ServiceProcess, signal: NodeJS.Signals) => {
    if (!p.pid || !isAlive(p.pid)) return;
    process.kill(p.pid, signal);
    if (!(await waitExit(p.pid, 15_000))) {
      process.kill(p.pid, 'SIGKILL');
      await waitExit(p.pid, 5_000);
    }
  };

  let balancer: Server | null = null;
  let pool: pg.Pool | null = null;
  const cleanup = async () => {
    await Promise.all(procs.map((p) => terminate(p, 'SIGTERM')));
    await new Promise<void>((resolve) => (balancer ? balancer.close(() => resolve()) : resolve()));
    await pool?.end().catch(() => undefined);
    await Promise.allSettled([
      database.drop(),
      dropTopics(endpoints.KAFKA_BROKERS, topicPrefix),
      dropBucket(minio(endpoints), bucket),
    ]);
  };
  try {
    await Promise.all(procs.map(launch));
  } catch (err) {
    await cleanup();
    throw err;
  }
  const gateways = procs.filter((p) => p.service === 'gateway');
  let url = gateways.length ? `http://127.0.0.1:${gateways[0].httpPort}` : '';
  if (gateways.length > 1) {
    const port = await freePort();
    balancer = await startBalancer(port, '127.0.0.1', () =>
      gateways.filter((g) => isAlive(g.pid)).map((g) => g.httpPort!),
    );
    url = `http://127.0.0.1:${port}`;
  }

  const admin = (args: string[]) => runAdmin(args, env);
  return {
    url,
    databaseUrl: database.url,
    topicPrefix,
    bucket,
    env,
    get db() {
      if (!pool) {
        pool = new pg.Pool({ connectionString: database.url, max: 4 });
        // Idle clients die when a test stops PostgreSQL; the next query reconnects.
        pool.on('error', () => undefined);
      }
      return pool;
    },
    gatewayUrl: (replica = 1) => `http://127.0.0.1:${find('gateway', replica).httpPort}`,
    opsUrl: (service, replica = 1) => `http://127.0.0.1:${find(service, replica).opsPort}`,
    lmtpPort: (replica = 1) => find('delivery-service', replica).lmtpPort!,
    kill: async (service, replica = 1, signal = 'SIGKILL') => terminate(find(service, replica), signal),
    restart: async (service, replica = 1) => {
      const p = find(service, replica);
      await terminate(p, 'SIGTERM');
      await launch(p);
    },
    stop: cleanup,
    createAccount: async (email, password) => {
      const r = await admin(['account', 'create', email, '--password', password, '--json']);
      if (r.code !== 0) throw new Error(`account create ${email} failed (${r.code}): ${r.stderr}`);
      const { accountId, principalId } = JSON.parse(r.stdout) as { accountId: string; principalId: string };
      return { accountId, principalId };
    },
    admin,
    client: (credentials) => new JmapTestClient(url, credentials),
    bucketObjects: () => listObjects(minio(endpoints), bucket),
    logTail: (service, replica = 1, lines = 40) => tail(find(service, replica).logFile, lines),
  };
}

/** Runs `npm run admin -- <args>` (without npm, to save its start-up) with the stack's environment. */
export function runAdmin(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('apps', 'admin', 'src', 'main.ts'), ...args],
      {
        cwd: repoRoot(),
        env: {
          ...process.env,
          ...env,
          LOG_LEVEL: 'warn',
          TSX_TSCONFIG_PATH: join(repoRoot(), 'tsconfig.json'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
