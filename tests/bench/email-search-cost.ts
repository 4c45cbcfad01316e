/**
 * What the body's full-text document (ADR 0009) costs the import's write, built by the service (migration 0060,
 * libs/email/data-access/src/search) or by PostgreSQL's to_tsvector over the whole body (as the generated column
 * of migration 0045 did): the email rows of the same parsed synthetic messages (synthetic-mail.ts, 5-50 KB) are
 * inserted with the projection's own writer (insertEmails) both ways, alternating batches so that the machine's
 * load hits both alike; each batch is rolled back. Prints the wall time and the backend's CPU time (from /proc,
 * PostgreSQL on this machine) per email for both, and the service's CPU time for building its document.
 *
 *   node --import tsx tests/bench/email-search-cost.ts          # BENCH_BATCHES (default 20) of 100 emails
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { partBlobId } from '@jmap/blobs';
import type { EmailCreatedData } from '@jmap/email-contracts';
import { bodySearchDocuments, insertEmails, type SearchTokenizing } from '@jmap/email-data-access';
import { messageFacts } from '@jmap/email-domain';
import { createPool } from '@jmap/platform';
import { createTestDatabase } from '@jmap/testing';
import { syntheticMessage } from './synthetic-mail.js';

const BATCHES = Number(process.env.BENCH_BATCHES ?? 20);
const PER_BATCH = 100;
const say = (m: string) => process.stdout.write(`[bench] ${m}\n`);

/** CPU time (ms) a local PostgreSQL backend has used: utime + stime of /proc/<pid>/stat, in clock ticks of 10 ms. */
function backendCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function main(): Promise<void> {
  const database = await createTestDatabase();
  const pool = createPool(database.url, 1, 'bench-search-cost');
  try {
    const ids: string[] = [];
    const emails: EmailCreatedData[] = [];
    let bytes = 0;
    for (let i = 0; i < PER_BATCH; i++) {
      const m = syntheticMessage(5, i, ids);
      ids.push(m.messageId);
      bytes += m.raw.length;
      const sha = createHash('sha256').update(m.raw).digest('hex');
      const facts = messageFacts(m.raw, (p) => partBlobId(`G${sha}`, p));
      emails.push({
        ...facts,
        id: `E${i}`,
        threadId: `T${i}`,
        blobId: `G${sha}`,
        mailboxIds: ['M1'],
        keywords: [],
        receivedAt: '2025-01-01T00:00:00Z',
      });
    }
    const extract = emails.reduce((n, e) => n + Buffer.byteLength(e.textExtract), 0);
    say(
      `${PER_BATCH} messages, ${Math.round(bytes / PER_BATCH / 1024)} KiB on average, text extract ${Math.round(extract / PER_BATCH / 1024)} KiB on average`,
    );
    const modes: SearchTokenizing[] = ['unicode', 'none'];
    const time: Record<string, number> = { unicode: 0, none: 0 };
    const cpu: Record<string, number> = { unicode: 0, none: 0 };
    const texts = emails.map((e) => e.textExtract);
    await bodySearchDocuments(pool, texts, 'unicode'); // the chunks PostgreSQL parses, once
    const c0 = process.cpuUsage();
    for (let b = 0; b < BATCHES; b++) await bodySearchDocuments(pool, texts, 'unicode');
    const c1 = process.cpuUsage(c0);
    const buildMs = (c1.user + c1.system) / 1000 / (BATCHES * PER_BATCH);
    const client = await pool.connect();
    const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    try {
      for (let b = 0; b < BATCHES; b++) {
        for (const mode of b % 2 === 0 ? modes : [...modes].reverse()) {
          await client.query('BEGIN');
          const [t0, c0] = [performance.now(), backendCpuMs(backend)];
          await insertEmails(client, `A${b}`, emails, mode);
          time[mode] += performance.now() - t0;
          cpu[mode] += backendCpuMs(backend) - c0;
          await client.query('ROLLBACK');
        }
      }
    } finally {
      client.release();
    }
    const n = BATCHES * PER_BATCH;
    const line = (s: string) =>
      `${(time[s] / n).toFixed(2)} ms wall, ${(cpu[s] / n).toFixed(2)} ms backend CPU per email`;
    say(`body document by the service: ${line('unicode')} (+ ${buildMs.toFixed(3)} ms service CPU)`);
    say(`body document by PostgreSQL:  ${line('none')}`);
    say(
      `difference:                   ${((time.none - time.unicode) / n).toFixed(2)} ms wall, ${((cpu.none - cpu.unicode) / n).toFixed(2)} ms backend CPU per email`,
    );
  } finally {
    await pool.end();
    await database.drop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
