/**
 * The account state an Email/import decision needs, read inside the command's transaction after the account
 * lock (so nothing it reads can change before the events commit): the Email state, which mailboxes exist,
 * which blobs the account may read (locked against the collector), the emails already holding the same octets,
 * and the emails that share a message id (and a base subject) with the messages being imported.
 */
import { lockReadableBlobs } from '@jmap/blobs';
import {
  threadingIds,
  toUtcDate,
  type ImportState,
  type PreparedImport,
  type ThreadCandidate,
} from '@jmap/email-domain';
import type { Queryable } from '@jmap/platform';
import { emailState } from './email.repository.js';

async function existingMailboxes(db: Queryable, accountId: string, ids: string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM mailboxes WHERE account_id = $1 AND id = ANY($2::text[])',
    [accountId, ids],
  );
  return new Set(rows.map((r) => r.id));
}

async function emailsByBlob(
  db: Queryable,
  accountId: string,
  blobIds: string[],
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ blob_id: string; id: string }>(
    'SELECT DISTINCT ON (blob_id) blob_id, id FROM emails WHERE account_id = $1 AND blob_id = ANY($2::text[]) ORDER BY blob_id, id',
    [accountId, blobIds],
  );
  return new Map(rows.map((r) => [r.blob_id, r.id]));
}

/**
 * Emails naming one of `messageIds` whose base subject is one of `subjects` (only those can be joined). One
 * row per (message id, thread): the earliest-received email of each thread is the one the rule would pick.
 */
async function threadCandidates(
  db: Queryable,
  accountId: string,
  messageIds: string[],
  subjects: string[],
): Promise<Map<string, ThreadCandidate[]>> {
  const out = new Map<string, ThreadCandidate[]>();
  if (messageIds.length === 0) return out;
  const { rows } = await db.query<{
    message_id: string;
    id: string;
    thread_id: string;
    base_subject: string;
    received_at: Date;
  }>(
    `SELECT DISTINCT ON (m.message_id, e.thread_id, e.base_subject) m.message_id, e.id, e.thread_id, e.base_subject, e.received_at
       FROM email_message_ids m JOIN emails e ON e.account_id = m.account_id AND e.id = m.email_id
      WHERE m.account_id = $1 AND m.message_id = ANY($2::text[]) AND e.base_subject = ANY($3::text[])
      ORDER BY m.message_id, e.thread_id, e.base_subject, e.received_at, e.id`,
    [accountId, messageIds, subjects],
  );
  for (const r of rows) {
    const c: ThreadCandidate = {
      emailId: r.id,
      threadId: r.thread_id,
      baseSubject: r.base_subject,
      receivedAt: toUtcDate(r.received_at)!,
    };
    out.set(r.message_id, [...(out.get(r.message_id) ?? []), c]);
  }
  return out;
}

export async function loadImportState(
  db: Queryable,
  accountId: string,
  imports: readonly PreparedImport[],
): Promise<ImportState> {
  const ok = imports.filter((p): p is Extract<PreparedImport, { ok: true }> => p.ok);
  const state = await emailState(db, accountId);
  const mailboxIds = [...new Set(ok.flatMap((p) => p.item.mailboxIds))];
  const messageIds = [...new Set(ok.flatMap((p) => threadingIds(p.facts).map((i) => i.messageId)))];
  const subjects = [...new Set(ok.map((p) => p.facts.baseSubject))];
  return {
    emailState: String(state),
    mailboxIds: await existingMailboxes(db, accountId, mailboxIds),
    readableBlobs: await lockReadableBlobs(
      db,
      accountId,
      ok.map((p) => p.sourceBlobId),
    ),
    existingByBlob: await emailsByBlob(db, accountId, [...new Set(ok.map((p) => p.blobId))]),
    candidatesByMessageId: await threadCandidates(db, accountId, messageIds, subjects),
  };
}
