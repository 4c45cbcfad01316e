/**
 * Reads of the EmailSubmission and VacationResponse read models (gateway methods, the service's decisions).
 */
import type { Queryable } from '@jmap/platform';
import type {
  DeliveryStatus,
  Envelope,
  UndoStatus,
  VacationResponseFields,
} from '@jmap/submission-contracts';

export interface EmailSubmissionRow {
  id: string;
  identityId: string;
  emailId: string;
  threadId: string;
  envelope: Envelope;
  sendAt: string;
  undoStatus: UndoStatus;
  deliveryStatus: Record<string, DeliveryStatus>;
  dsnBlobIds: string[];
  mdnBlobIds: string[];
}

interface Raw {
  id: string;
  identity_id: string;
  email_id: string;
  thread_id: string;
  envelope: Envelope;
  send_at: Date;
  undo_status: UndoStatus;
  delivery_status: Record<string, DeliveryStatus>;
  dsn_blob_ids: string[];
  mdn_blob_ids: string[];
}

export const utcDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

const toRow = (r: Raw): EmailSubmissionRow => ({
  id: r.id,
  identityId: r.identity_id,
  emailId: r.email_id,
  threadId: r.thread_id,
  envelope: r.envelope,
  sendAt: utcDate(r.send_at),
  undoStatus: r.undo_status,
  deliveryStatus: r.delivery_status,
  dsnBlobIds: r.dsn_blob_ids,
  mdnBlobIds: r.mdn_blob_ids,
});

const SELECT = `SELECT id, identity_id, email_id, thread_id, envelope, send_at, undo_status, delivery_status, dsn_blob_ids, mdn_blob_ids
                  FROM email_submissions`;

export async function submissionsByIds(
  db: Queryable,
  accountId: string,
  ids: readonly string[] | null,
  limit = 100_000,
): Promise<EmailSubmissionRow[]> {
  const { rows } =
    ids === null
      ? await db.query<Raw>(`${SELECT} WHERE account_id = $1 ORDER BY id LIMIT $2`, [accountId, limit])
      : await db.query<Raw>(`${SELECT} WHERE account_id = $1 AND id = ANY($2::text[])`, [accountId, ids]);
  return rows.map(toRow);
}

export interface VacationRow extends VacationResponseFields {
  id: 'singleton';
}

export async function vacationResponse(
  db: Queryable,
  accountId: string,
): Promise<VacationResponseFields | null> {
  const { rows } = await db.query<{
    is_enabled: boolean;
    from_date: Date | null;
    to_date: Date | null;
    subject: string | null;
    text_body: string | null;
    html_body: string | null;
  }>(
    'SELECT is_enabled, from_date, to_date, subject, text_body, html_body FROM vacation_responses WHERE account_id = $1',
    [accountId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    isEnabled: r.is_enabled,
    fromDate: r.from_date ? utcDate(r.from_date) : null,
    toDate: r.to_date ? utcDate(r.to_date) : null,
    subject: r.subject,
    textBody: r.text_body,
    htmlBody: r.html_body,
  };
}
