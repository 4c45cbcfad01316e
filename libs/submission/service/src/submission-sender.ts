/**
 * The sender: takes due sends from `submission_queue` and delivers them, exactly once per recipient as far as
 * this side can know (docs/adr/0010-submission.md).
 *
 * 1. In a transaction, `SELECT ... FOR UPDATE SKIP LOCKED` one due queued row. The row lock is held until the
 *    outcome is recorded: no other replica can take the same send, and a cancel sees it as being sent. A killed
 *    replica's connection dies with it, which releases the lock.
 * 2. An attempt row "sending" is committed (on another connection) before the first octet goes out.
 * 3. The message (its Bcc fields removed) goes to the recipients still queued: local ones through LocalDelivery,
 *    others through the relay.
 * 4. A command appends EmailSubmissionUpdated (deliveryStatus, undoStatus) and marks the attempt "recorded" in
 *    one transaction; then the queue row gets the progress and its next due time, or is done, and the attempt is
 *    "applied", and the row lock goes.
 *
 * On taking a row, a "sending" attempt of the same submission is one whose replica died mid-send: its outcome is
 * unknown, it becomes "abandoned" and the queued recipients are tried again (local delivery is idempotent; the
 * relay may see the message twice only when the replica died after the relay's 250 and before step 4). A
 * "recorded" attempt not yet applied (the replica died between 4's two commits) is applied without sending.
 */
import { randomUUID } from 'node:crypto';
import type { BlobStore } from '@jmap/blob-store';
import type { CommandProcessor } from '@jmap/event-store';
import type { Logger, Metrics, Pool } from '@jmap/platform';
import type { DeliveryStatus, EmailSubmissionChanges, Envelope } from '@jmap/submission-contracts';
import { unpinSendBlob } from '@jmap/submission-data-access';
import { pendingRecipients, retryDelayMs, statusAfter, withoutBcc } from '@jmap/submission-domain';
import type { OutboundRouter } from './outbound-router.js';

export interface SenderConfig {
  pollMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  /** Sends in flight per replica. */
  concurrency: number;
  replica: string;
}

interface QueueRow {
  account_id: string;
  submission_id: string;
  blob_id: string;
  envelope: Envelope;
  progress: Record<string, DeliveryStatus>;
  attempts: number;
}

interface AttemptResult {
  progress: Record<string, DeliveryStatus>;
  done: boolean;
  attempts: number;
  dueAt: string;
  lastError: string | null;
}

export class SubmissionSender {
  private timer: NodeJS.Timeout | null = null;
  private running = 0;
  private stopped = false;
  private wake = false;
  private readonly sent;

  constructor(
    private readonly pool: Pool,
    private readonly processor: CommandProcessor,
    private readonly store: BlobStore,
    private readonly router: Pick<OutboundRouter, 'route'>,
    private readonly config: SenderConfig,
    private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.sent = metrics.counter(
      'jmap_submission_recipients_total',
      'Submission recipients by attempt outcome',
      ['outcome'],
    );
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.config.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due work now (after a create in this process, and on every poll). */
  kick(): void {
    if (this.stopped) return;
    if (this.running >= this.config.concurrency) {
      this.wake = true;
      return;
    }
    this.running++;
    void this.drain()
      .catch((err: unknown) =>
        this.logger.error({ err }, 'submission sender failed; retrying at the next poll'),
      )
      .finally(() => {
        this.running--;
        if (this.wake && !this.stopped) {
          this.wake = false;
          this.kick();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.sendOne())) {
      /* next due row */
    }
  }

  /** Takes one due row and handles it; false when nothing is due. */
  async sendOne(): Promise<boolean> {
    const client = await this.pool.connect();
    let released = false;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<QueueRow>(
        `SELECT account_id, submission_id, blob_id, envelope, progress, attempts FROM submission_queue
          WHERE state = 'queued' AND due_at <= now() ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      );
      const job = rows[0];
      if (!job) {
        await client.query('COMMIT');
        return false;
      }
      let result: AttemptResult;
      try {
        result = (await this.unapplied(job)) ?? (await this.attempt(job));
      } catch (err) {
        // Not an SMTP outcome (the blob store or the database failed): try again later, never in a tight loop.
        const attempts = job.attempts + 1;
        const dueAt = new Date(
          Date.now() + retryDelayMs(attempts, this.config.retryBaseMs, this.config.retryMaxMs),
        ).toISOString();
        this.logger.error(
          { err, accountId: job.account_id, submissionId: job.submission_id, attempts },
          'send attempt failed; retrying later',
        );
        result = {
          progress: job.progress,
          done: false,
          attempts,
          dueAt,
          lastError: `internal error: ${(err as Error).message}`.slice(0, 500),
        };
      }
      await client.query(
        `UPDATE submission_queue SET progress = $3, attempts = $4, state = $5, due_at = $6, last_error = $7
          WHERE account_id = $1 AND submission_id = $2`,
        [
          job.account_id,
          job.submission_id,
          JSON.stringify(result.progress),
          result.attempts,
          result.done ? 'done' : 'queued',
          result.dueAt,
          result.lastError,
        ],
      );
      await client.query(
        `UPDATE submission_attempts SET status = 'applied' WHERE account_id = $1 AND submission_id = $2 AND status = 'recorded'`,
        [job.account_id, job.submission_id],
      );
      if (result.done) await unpinSendBlob(client, job.account_id, job.blob_id);
      await client.query('COMMIT');
      return true;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(err as Error);
      released = true;
      throw err;
    } finally {
      if (!released) client.release();
    }
  }

  /** A recorded attempt whose result never reached the queue row (its replica died in between). */
  private async unapplied(job: QueueRow): Promise<AttemptResult | null> {
    const { rows } = await this.pool.query<{ result: AttemptResult }>(
      `SELECT result FROM submission_attempts WHERE account_id = $1 AND submission_id = $2 AND status = 'recorded'
        ORDER BY finished_at DESC LIMIT 1`,
      [job.account_id, job.submission_id],
    );
    return rows[0]?.result ?? null;
  }

  private async attempt(job: QueueRow): Promise<AttemptResult> {
    const abandoned = await this.pool.query<{ attempt_id: string; replica: string }>(
      `UPDATE submission_attempts SET status = 'abandoned', finished_at = now()
        WHERE account_id = $1 AND submission_id = $2 AND status = 'sending' RETURNING attempt_id, replica`,
      [job.account_id, job.submission_id],
    );
    for (const a of abandoned.rows) {
      this.logger.warn(
        {
          accountId: job.account_id,
          submissionId: job.submission_id,
          attemptId: a.attempt_id,
          replica: a.replica,
        },
        'a send attempt was interrupted (its replica stopped mid-send); its outcome is unknown, sending to the queued recipients again',
      );
    }
    const attemptId = randomUUID();
    await this.pool.query(
      `INSERT INTO submission_attempts (attempt_id, account_id, submission_id, replica, status) VALUES ($1, $2, $3, $4, 'sending')`,
      [attemptId, job.account_id, job.submission_id, this.config.replica],
    );
    const recipients = pendingRecipients(job.progress);
    const attempts = job.attempts + 1;
    const exhausted = attempts >= this.config.maxAttempts;
    const progress = { ...job.progress };
    let lastError: string | null = null;
    if (recipients.length > 0) {
      const raw = withoutBcc(await this.store.get(job.blob_id.slice(1)));
      const outcomes = await this.router.route(raw, job.envelope.mailFrom.email, recipients);
      for (const r of recipients) {
        const o = outcomes.get(r) ?? { kind: 'transient' as const, smtpReply: '451 4.3.0 No outcome' };
        progress[r] = { ...statusAfter(o, exhausted), displayed: job.progress[r]?.displayed ?? 'unknown' };
        this.sent.inc({ outcome: o.kind });
        if (o.kind !== 'delivered') lastError = o.smtpReply;
      }
    }
    const remaining = pendingRecipients(progress);
    const done = remaining.length === 0;
    const dueAt = new Date(
      Date.now() + retryDelayMs(attempts, this.config.retryBaseMs, this.config.retryMaxMs),
    ).toISOString();
    const result: AttemptResult = { progress, done, attempts, dueAt, lastError };
    const relayed = Object.values(progress).some((s) => s.delivered === 'yes' || s.delivered === 'unknown');
    const changes: EmailSubmissionChanges = {
      deliveryStatus: progress,
      ...(relayed || done ? { undoStatus: 'final' as const } : {}),
    };
    await this.processor.handle(
      {
        accountId: job.account_id,
        commandId: `submission-attempt:${attemptId}`,
        type: 'EmailSubmission/deliver',
      },
      async (ctx) => {
        await ctx.tx.query(
          `UPDATE submission_attempts SET status = 'recorded', finished_at = now(), result = $2 WHERE attempt_id = $1`,
          [attemptId, JSON.stringify(result)],
        );
        // The record may have been destroyed meanwhile: the delivery goes on (RFC 8621 7.5), without events.
        const exists = await ctx.tx.query(
          'SELECT 1 FROM email_submissions WHERE account_id = $1 AND id = $2',
          [job.account_id, job.submission_id],
        );
        return {
          events: exists.rowCount
            ? [{ type: 'EmailSubmissionUpdated', v: 1, data: { id: job.submission_id, changes } }]
            : [],
          reply: () => null,
        };
      },
    );
    this.logger.info(
      {
        accountId: job.account_id,
        submissionId: job.submission_id,
        attemptId,
        attempts,
        done,
        remaining: remaining.length,
        lastError,
      },
      done ? 'submission sent' : 'submission attempt finished; recipients remain queued',
    );
    return result;
  }
}
