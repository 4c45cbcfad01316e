/**
 * CPU seconds per component of a benchmark run, from /proc (Linux only; elsewhere nothing is reported): the
 * services this process started, the PostgreSQL backends of the stack's database, and the shared MinIO and Kafka
 * servers (which also count whatever else uses them meanwhile). Taken before and after a phase, the differences
 * say where the phase's CPU went.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function read(pid: string): { ppid: string; ticks: number; cmd: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { ppid: fields[1], ticks: Number(fields[11]) + Number(fields[12]), cmd };
  } catch {
    return null;
  }
}

function label(cmd: string, parentPid: string, ppid: string, database: string): string | null {
  if (ppid === parentPid) return /apps\/([\w-]+)\//.exec(cmd)?.[1] ?? null;
  if (cmd.startsWith('postgres: ') && cmd.includes(` ${database} `)) return 'postgres';
  if (cmd.includes('minio server')) return 'minio (shared)';
  if (cmd.includes('kafka.Kafka')) return 'kafka (shared)';
  return null;
}

/** CPU seconds so far per component (pid → label, seconds). */
export function cpuSnapshot(database: string): Map<string, { label: string; seconds: number }> {
  const out = new Map<string, { label: string; seconds: number }>();
  if (!existsSync('/proc/self/stat')) return out;
  const me = String(process.pid);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const p = read(pid);
    const l = p && label(p.cmd, me, p.ppid, database);
    if (p && l) out.set(pid, { label: l, seconds: p.ticks / TICKS_PER_SECOND });
  }
  return out;
}

/** Seconds per component between two snapshots (a process that appeared in between counts from zero). */
export function cpuBetween(
  before: ReturnType<typeof cpuSnapshot>,
  after: ReturnType<typeof cpuSnapshot>,
): Array<[string, number]> {
  const sums = new Map<string, number>();
  for (const [pid, a] of after)
    sums.set(a.label, (sums.get(a.label) ?? 0) + a.seconds - (before.get(pid)?.seconds ?? 0));
  return [...sums].sort((x, y) => y[1] - x[1]);
}

/**
 * Waits until the stack's services and database backends together use less than `threshold` cores for
 * `quietSeconds` seconds in a row (e.g. the background consumers have digested a seeded burst), at most
 * `maxSeconds`; returns the seconds waited (0 where /proc is missing).
 */
export async function waitQuiet(
  database: string,
  { threshold = 0.05, quietSeconds = 3, maxSeconds = 180 } = {},
): Promise<number> {
  if (!existsSync('/proc/self/stat')) return 0;
  const start = Date.now();
  let quiet = 0;
  let before = cpuSnapshot(database);
  while (quiet < quietSeconds && Date.now() - start < maxSeconds * 1000) {
    await new Promise((r) => setTimeout(r, 1000));
    const after = cpuSnapshot(database);
    const busy = cpuBetween(before, after)
      .filter(([label]) => !label.endsWith('(shared)'))
      .reduce((sum, [, seconds]) => sum + seconds, 0);
    quiet = busy < threshold ? quiet + 1 : 0;
    before = after;
  }
  return (Date.now() - start) / 1000;
}

/** The whole machine's CPU seconds so far (/proc/stat): busy (all but idle and iowait) and stolen by the host. */
export function machineSnapshot(): { busy: number; steal: number } | null {
  if (!existsSync('/proc/stat')) return null;
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return { busy: (user + nice + system + irq + softirq) / TICKS_PER_SECOND, steal: steal / TICKS_PER_SECOND };
}

/**
 * What the machine did during a phase besides the components: cores busy in all, in other processes (busy minus
 * the components' CPU), and stolen by the host. A run where either is high measured a slower machine.
 */
export function machineLine(
  before: ReturnType<typeof machineSnapshot>,
  after: ReturnType<typeof machineSnapshot>,
  components: number,
  seconds: number,
): string | null {
  if (!before || !after) return null;
  const busy = after.busy - before.busy;
  const cores = (x: number) => (x / seconds).toFixed(2);
  return `machine: ${cores(busy)} cores busy, ${cores(Math.max(0, busy - components))} outside these components (the benchmark client included), ${cores(after.steal - before.steal)} stolen by the host`;
}
