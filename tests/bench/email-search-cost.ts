/**
 * What the full-text document (migration 0045, ADR 0009) adds to the import's write: the email rows of the same
 * parsed synthetic messages (synthetic-mail.ts, 5-50 KB) are inserted with the projection's own writer
 * (insertEmails) into `emails` with the generated `search` column and into a copy without it, alternating
 * batches so that the machine's load hits both alike; each batch is rolled back. Prints the wall time and the
 * backend's CPU time (from /proc, PostgreSQL on this machine) per email for both and the difference.
 *
 *   node --import tsx tests/bench/email-search-cost.ts          # BENCH_BATCHES (default 20) of 100 emails
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { partBlobId } from '@jmap/blobs';
import type { EmailCreatedData } from '@jmap/email-contracts';
import { insertEmails } from '@jmap/email-data-access';
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
    await pool.query(`CREATE SCHEMA plain;
      CREATE TABLE plain.emails (LIKE public.emails INCLUDING DEFAULTS);
      ALTER TABLE plain.emails DROP COLUMN search;
      ALTER TABLE plain.emails ADD PRIMARY KEY (account_id, id);
      CREATE TABLE plain.email_mailboxes (LIKE public.email_mailboxes INCLUDING ALL);
      CREATE TABLE plain.email_message_ids (LIKE public.email_message_ids INCLUDING ALL)`);
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
    const time: Record<string, number> = { public: 0, plain: 0 };
    const cpu: Record<string, number> = { public: 0, plain: 0 };
    const client = await pool.connect();
    const backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    try {
      for (let b = 0; b < BATCHES; b++) {
        for (const schema of b % 2 === 0 ? ['public', 'plain'] : ['plain', 'public']) {
          await client.query('BEGIN');
          await client.query(`SET LOCAL search_path = ${schema}`);
          const [t0, c0] = [performance.now(), backendCpuMs(backend)];
          await insertEmails(client, `A${b}`, emails);
          time[schema] += performance.now() - t0;
          cpu[schema] += backendCpuMs(backend) - c0;
          await client.query('ROLLBACK');
        }
      }
    } finally {
      client.release();
    }
    const n = BATCHES * PER_BATCH;
    const line = (s: string) =>
      `${(time[s] / n).toFixed(2)} ms wall, ${(cpu[s] / n).toFixed(2)} ms backend CPU per email`;
    say(`with the search document: ${line('public')}`);
    say(`without it:               ${line('plain')}`);
    say(
      `difference:               ${((time.public - time.plain) / n).toFixed(2)} ms wall, ${((cpu.public - cpu.plain) / n).toFixed(2)} ms backend CPU per email`,
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
