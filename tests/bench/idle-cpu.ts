/**
 * CPU an idle distributed stack burns (gateway, mailbox, email and thread services on the PostgreSQL, Kafka and
 * MinIO of `npm run infra:up`): started, left alone 8 s, then the CPU of each component over 20 s, in cores.
 * What every replica costs an operator while nothing happens, and what a busy machine loses to it.
 *
 *   node --import tsx tests/bench/idle-cpu.ts          # KAFKA_PARTITIONS via BENCH_PARTITIONS (default 48)
 */
import { startTestStack } from '@jmap/testing';
import { cpuSnapshot } from './process-cpu.js';

const WARM_MS = 8_000;
const MEASURE_MS = 20_000;

const stack = await startTestStack({
  services: ['gateway', 'mailbox-service', 'email-service', 'thread-service'],
  env: { LOG_LEVEL: 'warn', KAFKA_PARTITIONS: process.env.BENCH_PARTITIONS ?? '48' },
});
try {
  const database = new URL(stack.databaseUrl).pathname.slice(1);
  await new Promise((r) => setTimeout(r, WARM_MS));
  const before = cpuSnapshot(database);
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const after = cpuSnapshot(database);
  const cores = new Map<string, number>();
  for (const [pid, v] of after)
    cores.set(
      v.label,
      (cores.get(v.label) ?? 0) + (v.seconds - (before.get(pid)?.seconds ?? 0)) / (MEASURE_MS / 1000),
    );
  let total = 0;
  for (const [label, c] of cores) {
    total += c;
    process.stdout.write(`[bench:idle] ${label.padEnd(18)} ${c.toFixed(3)} cores\n`);
  }
  process.stdout.write(`[bench:idle] total              ${total.toFixed(3)} cores\n`);
} finally {
  await stack.stop();
}
