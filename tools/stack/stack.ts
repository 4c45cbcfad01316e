/**
 * npm run stack | stack:down | stack:status
 * The distributed mode on one machine: starts the local infrastructure (or uses DATABASE_URL, KAFKA_BROKERS,
 * S3_ENDPOINT), applies migrations, then every service as its own process with REPLICAS replicas each, and a
 * balancer on HOST:PORT (default 127.0.0.1:8080) in front of the gateways. The endpoints go to
 * .local/stack/stack.json so that `npm run admin` and the tests find them without arguments.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, migrate } from '@jmap/platform';
import {
  defaultLayout,
  infraDown,
  infraUp,
  isAlive,
  localDir,
  planStack,
  repoRoot,
  sleep,
  spawnService,
  waitReady,
  type Endpoints,
} from '@jmap/testing';

const log = (m: string) => process.stdout.write(`[stack] ${m}\n`);
const STATE = localDir('stack', 'stack.json');

interface StackState {
  url: string;
  endpoints: Endpoints;
  replicas: number;
  startedInfra: Array<'postgres' | 'kafka' | 'minio'>;
  balancerPid: number;
  processes: Array<{ service: string; replica: number; pid: number; opsPort: number; logFile: string }>;
}

export function readStackState(): StackState | null {
  if (!existsSync(STATE)) return null;
  return JSON.parse(readFileSync(STATE, 'utf8')) as StackState;
}

async function up(): Promise<void> {
  const existing = readStackState();
  if (existing && existing.processes.some((p) => isAlive(p.pid))) {
    log(`already running at ${existing.url} (npm run stack:down to stop it)`);
    return;
  }
  const { PORT, HOST } = loadConfig(['PORT', 'HOST']);
  const replicas = Number(process.env.REPLICAS || 1);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16) throw new Error('REPLICAS must be an integer from 1 to 16');
  const t0 = Date.now();
  const infra = await infraUp(defaultLayout(), log);
  log('applying database migrations');
  const { applied } = await migrate(infra.endpoints.DATABASE_URL);
  if (applied.length) log(`applied ${applied.join(', ')}`);

  const logDir = localDir('stack', 'logs');
  mkdirSync(logDir, { recursive: true });
  const options = {
    endpoints: infra.endpoints,
    replicas,
    port: PORT,
    host: HOST,
    opsPortBase: Number(process.env.STACK_OPS_PORT_BASE || 9400),
    logDir,
    detached: true,
    env: { LOG_LEVEL: process.env.LOG_LEVEL || 'info' },
  };
  const plan = planStack(options);
  log(`starting ${plan.length} processes (${replicas} replica${replicas > 1 ? 's' : ''} of each service)`);
  const procs = plan.map((p) => spawnService(options, p));
  const gatewayPorts = plan.filter((p) => p.httpPort).map((p) => p.httpPort!);
  const fd = openSync(join(logDir, 'balancer.log'), 'a');
  const balancer = spawn(process.execPath, ['--import', 'tsx', 'tools/stack/balancer.ts', String(PORT), HOST, ...gatewayPorts.map(String)], {
    cwd: repoRoot(),
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  balancer.unref();
  const state: StackState = {
    url: `http://${HOST}:${PORT}`,
    endpoints: infra.endpoints,
    replicas,
    startedInfra: infra.started,
    balancerPid: balancer.pid!,
    processes: procs.map((p) => ({ service: p.service, replica: p.replica, pid: p.pid, opsPort: p.opsPort, logFile: p.logFile })),
  };
  mkdirSync(localDir('stack'), { recursive: true });
  writeFileSync(STATE, `${JSON.stringify(state, null, 2)}\n`);
  let ready = 0;
  await Promise.all(
    procs.map(async (p) => {
      try {
        await waitReady(p.opsPort, 180_000, p.pid);
      } catch (err) {
        throw new Error(`${p.service} #${p.replica} did not become ready (${(err as Error).message}); see ${p.logFile}`);
      }
      ready++;
      log(`ready ${ready}/${procs.length}: ${p.service} #${p.replica} (ops http://127.0.0.1:${p.opsPort})`);
    }),
  );
  log(`JMAP at ${state.url}/.well-known/jmap (started in ${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  log(`logs in ${logDir}; create an account with: npm run admin -- account create you@example.com --password <pw>`);
}

async function stopPid(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
  }
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

async function down(): Promise<void> {
  const state = readStackState();
  if (!state) {
    log('not running');
    return;
  }
  log(`stopping ${state.processes.length} processes`);
  await Promise.all([...state.processes.map((p) => stopPid(p.pid)), stopPid(state.balancerPid)]);
  if (state.startedInfra.length > 0) {
    log(`stopping the infrastructure the stack started: ${state.startedInfra.join(', ')}`);
    await infraDown(defaultLayout(), state.startedInfra, log);
  }
  rmSync(STATE, { force: true });
  log('down');
}

async function status(): Promise<void> {
  const state = readStackState();
  if (!state) {
    log('not running');
    process.exitCode = 3;
    return;
  }
  log(`JMAP at ${state.url}`);
  for (const p of state.processes) {
    let ready = 'down';
    if (isAlive(p.pid)) {
      const res = await fetch(`http://127.0.0.1:${p.opsPort}/readyz`).catch(() => null);
      ready = res?.status === 200 ? 'ready' : `not ready (${res?.status ?? 'no answer'})`;
    }
    process.stdout.write(`  ${`${p.service} #${p.replica}`.padEnd(24)} pid ${String(p.pid).padEnd(8)} ops ${p.opsPort}  ${ready}\n`);
  }
}

const commands: Record<string, () => Promise<void>> = { up, down, status };
const command = commands[process.argv[2] ?? 'up'];
if (!command) {
  process.stderr.write('usage: stack up | down | status\n');
  process.exit(2);
}
command().catch((err: unknown) => {
  process.stderr.write(`[stack] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
