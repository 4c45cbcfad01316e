/**
 * The EmailSubmission/set command: in the command's transaction, after the account lock, load the emails and
 * identities the creates name and the submissions the updates and destroys name (a cancel tries the send's
 * queue row with SKIP LOCKED: a row a sender holds is being sent, so it cannot be canceled), decide, queue the
 * new sends and cancel the canceled ones in the same transaction as the events.
 */
import { concurrencyError, typeState, type CommandProcessor } from '@jmap/event-store';
import type { CommandEnvelope } from '@jmap/messaging';
import type { PoolClient } from '@jmap/platform';
import { pinSendBlobs, unpinSendBlob } from '@jmap/submission-data-access';
import {
  EMAIL_SUBMISSION_TYPE,
  type EmailSubmissionSetPayload,
  type EmailSubmissionSetReply,
  type UndoStatus,
} from '@jmap/submission-contracts';
import {
  decideSubmissionSet,
  type EmailToSend,
  type ExistingSubmission,
  type QueuedSend,
} from '@jmap/submission-domain';
import type { IdentityDirectory } from './submission-ports.js';

const refd = (v: unknown, createdIds: Record<string, string>): string | null =>
  typeof v !== 'string' ? null : v.startsWith('#') ? (createdIds[v.slice(1)] ?? null) : v;

async function loadEmails(
  tx: PoolClient,
  accountId: string,
  ids: string[],
): Promise<Map<string, EmailToSend>> {
  const { rows } = await tx.query<{
    id: string;
    thread_id: string;
    blob_id: string;
    size: string;
    headers: Array<{ name: string; value: string }>;
    sender: EmailToSend['facts']['sender'];
    from_: EmailToSend['facts']['from'];
    to_: EmailToSend['facts']['to'];
    cc: EmailToSend['facts']['cc'];
    bcc: EmailToSend['facts']['bcc'];
  }>(
    'SELECT id, thread_id, blob_id, size, headers, sender, from_, to_, cc, bcc FROM emails WHERE account_id = $1 AND id = ANY($2::text[])',
    [accountId, ids],
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        threadId: r.thread_id,
        blobId: r.blob_id,
        size: Number(r.size),
        facts: { headers: r.headers, sender: r.sender, from: r.from_, to: r.to_, cc: r.cc, bcc: r.bcc },
      },
    ]),
  );
}

async function loadSubmissions(
  tx: PoolClient,
  accountId: string,
  ids: string[],
  cancels: ReadonlySet<string>,
): Promise<Map<string, ExistingSubmission>> {
  const { rows } = await tx.query<{ id: string; email_id: string; undo_status: UndoStatus }>(
    'SELECT id, email_id, undo_status FROM email_submissions WHERE account_id = $1 AND id = ANY($2::text[])',
    [accountId, ids],
  );
  const out = new Map<string, ExistingSubmission>();
  for (const r of rows) {
    let cancellable = false;
    if (cancels.has(r.id) && r.undo_status === 'pending') {
      // SKIP LOCKED: a sender holding the row is sending it right now; that is "cannot unsend", not a wait.
      const q = await tx.query<{ state: string }>(
        'SELECT state FROM submission_queue WHERE account_id = $1 AND submission_id = $2 FOR UPDATE SKIP LOCKED',
        [accountId, r.id],
      );
      cancellable = q.rows[0]?.state === 'queued';
    }
    out.set(r.id, { emailId: r.email_id, undoStatus: r.undo_status, cancellable });
  }
  return out;
}

async function sentLastDay(tx: PoolClient, accountId: string, now: Date): Promise<number> {
  const { rows } = await tx.query<{ n: string }>(
    `SELECT count(*) AS n FROM submission_queue WHERE account_id = $1 AND created_at > $2::timestamptz - interval '1 day'`,
    [accountId, now.toISOString()],
  );
  return Number(rows[0]?.n ?? 0);
}

async function queue(tx: PoolClient, accountId: string, q: readonly QueuedSend[], now: Date): Promise<void> {
  for (const s of q) {
    await tx.query(
      `INSERT INTO submission_queue (account_id, submission_id, due_at, state, blob_id, envelope, progress, created_at)
       VALUES ($1, $2, $3, 'queued', $4, $5, $6, $7)`,
      [
        accountId,
        s.id,
        s.dueAt.toISOString(),
        s.blobId,
        JSON.stringify(s.envelope),
        JSON.stringify(s.progress),
        now.toISOString(),
      ],
    );
  }
}

export function submissionSetHandler(
  processor: CommandProcessor,
  identities: IdentityDirectory,
  maxSize: number,
  onQueued: () => void,
) {
  return async (cmd: CommandEnvelope): Promise<EmailSubmissionSetReply> => {
    const payload = cmd.payload as EmailSubmissionSetPayload;
    const { reply, appended } = await processor.handle(cmd, async (ctx) => {
      const creates = Object.values(payload.create);
      const emailIds = creates
        .map((c) => refd(c.emailId, payload.createdIds))
        .filter((x): x is string => x !== null);
      const identityIds = creates
        .map((c) => refd(c.identityId, payload.createdIds))
        .filter((x): x is string => x !== null);
      const cancels = new Set(
        Object.entries(payload.update)
          .filter(([, p]) => p.undoStatus === 'canceled')
          .map(([id]) => id),
      );
      const state = String(await typeState(ctx.tx, ctx.accountId, EMAIL_SUBMISSION_TYPE));
      const decision = decideSubmissionSet({
        payload,
        state,
        now: ctx.now,
        emails: await loadEmails(ctx.tx, ctx.accountId, emailIds),
        identities: await identities.identities(ctx.tx, ctx.accountId, identityIds),
        submissions: await loadSubmissions(
          ctx.tx,
          ctx.accountId,
          [...Object.keys(payload.update), ...payload.destroy],
          cancels,
        ),
        sentLastDay: creates.length > 0 ? await sentLastDay(ctx.tx, ctx.accountId, ctx.now) : 0,
        maxSize,
        newId: () => ctx.ids.next('S'),
      });
      if (!decision.ok) throw concurrencyError('ifInState does not match the current EmailSubmission state');
      await queue(ctx.tx, ctx.accountId, decision.queued, ctx.now);
      // The message must outlive its Email while the send is queued (RFC 8621 7.5).
      await pinSendBlobs(
        ctx.tx,
        ctx.accountId,
        decision.queued.map((q) => q.blobId),
      );
      if (decision.canceled.length > 0) {
        const { rows } = await ctx.tx.query<{ blob_id: string }>(
          `UPDATE submission_queue SET state = 'canceled' WHERE account_id = $1 AND submission_id = ANY($2::text[])
           RETURNING blob_id`,
          [ctx.accountId, decision.canceled],
        );
        for (const r of rows) await unpinSendBlob(ctx.tx, ctx.accountId, r.blob_id);
      }
      return {
        events: decision.events,
        reply: async (_appended, tx): Promise<EmailSubmissionSetReply> => ({
          oldState: state,
          newState: String(await typeState(tx, ctx.accountId, EMAIL_SUBMISSION_TYPE)),
          created: decision.created,
          updated: decision.updated,
          destroyed: decision.destroyed,
          notCreated: decision.notCreated,
          notUpdated: decision.notUpdated,
          notDestroyed: decision.notDestroyed,
          createdIds: decision.createdIds,
          emailIds: decision.emailIds,
        }),
      };
    });
    if (appended.length > 0) onQueued();
    return reply;
  };
}
