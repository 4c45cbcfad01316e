/**
 * Runs the distributed mode on one machine: every service as its own Node process (REPLICAS of each), a
 * round-robin TCP balancer on PORT in front of the gateway replicas, against the given Postgres, Kafka and S3.
 * Used by `npm run stack` (detached processes that outlive the command) and by the e2e tests (children of the
 * test process, killed and restarted at will).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Endpoints } from './infra/infra.js';
import { repoRoot } from './infra/paths.js';
import { isAlive, sleep } from './infra/process.js';

export const SERVICES = [
  'gateway',
  'mailbox-service',
  'email-service',
  'thread-service',
  'submission-service',
  'push-service',
  'delivery-service',
] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface ServiceProcess {
  service: ServiceName;
  replica: number;
  opsPort: number;
  /** JMAP port of a gateway replica (behind the balancer). */
  httpPort?: number;
  /** LMTP port of a delivery-service replica (each replica needs its own on one machine). */
  lmtpPort?: number;
  logFile: string;
  child?: ChildProcess;
  pid: number;
}

export interface StackOptions {
  endpoints: Endpoints;
  replicas?: number;
  /** Public JMAP port (the balancer); gateway replicas listen on port + 100 + i. */
  port: number;
  host?: string;
  /** First ops port; each process takes the next one. */
  opsPortBase: number;
  logDir: string;
  /** Extra environment for every service (e.g. KAFKA_TOPIC_PREFIX, LOG_LEVEL). */
  env?: NodeJS.ProcessEnv;
  detached?: boolean;
  services?: readonly ServiceName[];
}

export function serviceEnv(o: StackOptions, service: ServiceName, replica: number, opsPort: number, httpPort?: number, lmtpPort?: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...o.endpoints,
    ...o.env,
    OPS_PORT: String(opsPort),
    OPS_HOST: '127.0.0.1',
    INSTANCE_ID: `${service}-${replica}-${Math.random().toString(36).slice(2, 8)}`,
    ...(httpPort ? { PORT: String(httpPort), HOST: '127.0.0.1' } : {}),
    ...(lmtpPort !== undefined ? { LMTP_PORT: String(lmtpPort) } : {}),
    TSX_TSCONFIG_PATH: join(repoRoot(), 'tsconfig.json'),
  };
}

export function spawnService(o: StackOptions, p: Omit<ServiceProcess, 'pid' | 'child'>): ServiceProcess {
  mkdirSync(o.logDir, { recursive: true });
  const fd = openSync(p.logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', join('apps', p.service, 'src', 'main.ts')], {
    cwd: repoRoot(),
    env: serviceEnv(o, p.service, p.replica, p.opsPort, p.httpPort, p.lmtpPort),
    stdio: ['ignore', fd, fd],
    detached: o.detached ?? false,
  });
  closeSync(fd);
  if (o.detached) child.unref();
  return { ...p, child: o.detached ? undefined : child, pid: child.pid! };
}

export function planStack(o: StackOptions): Array<Omit<ServiceProcess, 'pid' | 'child'>> {
  const replicas = o.replicas ?? 1;
  const plan: Array<Omit<ServiceProcess, 'pid' | 'child'>> = [];
  let ops = o.opsPortBase;
  for (const service of o.services ?? SERVICES) {
    for (let r = 1; r <= replicas; r++) {
      plan.push({
        service,
        replica: r,
        opsPort: ops++,
        ...(service === 'gateway' ? { httpPort: o.port + 100 + r } : {}),
        // LMTP_PORT (default 2424) for the first delivery replica, the next ports for the others.
        ...(service === 'delivery-service' ? { lmtpPort: Number(o.env?.LMTP_PORT ?? process.env.LMTP_PORT ?? 2424) + r - 1 } : {}),
        logFile: join(o.logDir, `${service}-${r}.log`),
      });
    }
  }
  return plan;
}

export async function waitReady(opsPort: number, timeoutMs: number, pid?: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${opsPort}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      /* not up yet */
    }
    if (pid !== undefined && !isAlive(pid)) throw new Error(`process ${pid} (ops port ${opsPort}) exited during start-up`);
    if (Date.now() > deadline) throw new Error(`ops port ${opsPort} not ready within ${timeoutMs / 1000}s`);
    await sleep(200);
  }
}

/** A connection-level round-robin balancer (TCP, so WebSocket and EventSource pass through). */
export function startBalancer(port: number, host: string, targets: () => number[]): Promise<Server> {
  let next = 0;
  const server = createServer((client: Socket) => {
    const ports = targets();
    if (ports.length === 0) return client.destroy();
    const attempt = (tries: number) => {
      const target = ports[next++ % ports.length];
      const upstream = connect(target, '127.0.0.1');
      upstream.once('connect', () => {
        client.pipe(upstream).pipe(client);
      });
      upstream.once('error', () => {
        client.unpipe(upstream);
        if (tries + 1 < ports.length && !client.destroyed) attempt(tries + 1);
        else client.destroy();
      });
      client.once('error', () => upstream.destroy());
      client.once('close', () => upstream.destroy());
      upstream.once('close', () => client.destroy());
    };
    attempt(0);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
