/**
 * Inline projection of EmailSubmission and VacationResponse events into `email_submissions`,
 * `vacation_responses` and the change log (types EmailSubmission and VacationResponse). The send queue is not
 * touched here: a replay must never send again.
 */
import type { ChangeRecorder, Projection, StoredEvent } from '@jmap/event-store';
import type { PoolClient } from '@jmap/platform';
import {
  EMAIL_SUBMISSION_TYPE,
  VACATION_RESPONSE_TYPE,
  VACATION_SINGLETON_ID,
  isSubmissionDomainEvent,
} from '@jmap/submission-contracts';

const COLUMNS: Record<string, string> = {
  undoStatus: 'undo_status',
  deliveryStatus: 'delivery_status',
  dsnBlobIds: 'dsn_blob_ids',
  mdnBlobIds: 'mdn_blob_ids',
};
const JSON_COLUMNS = new Set(['deliveryStatus']);

export const submissionProjection: Projection = {
  name: 'email-submissions',
  mode: 'inline',
  tables: [
    { table: 'email_submissions', key: ['id'] },
    { table: 'vacation_responses', key: ['account_id'] },
  ],
  async apply(tx: PoolClient, stored: StoredEvent, changes: ChangeRecorder): Promise<void> {
    const e = stored.event;
    if (!isSubmissionDomainEvent(e)) return;
    const accountId = stored.accountId;
    switch (e.type) {
      case 'EmailSubmissionCreated': {
        const d = e.data;
        await tx.query(
          `INSERT INTO email_submissions (account_id, id, identity_id, email_id, thread_id, envelope, send_at, undo_status,
                                          delivery_status, dsn_blob_ids, mdn_blob_ids)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [
            accountId,
            d.id,
            d.identityId,
            d.emailId,
            d.threadId,
            JSON.stringify(d.envelope),
            d.sendAt,
            d.undoStatus,
            JSON.stringify(d.deliveryStatus),
            d.dsnBlobIds,
            d.mdnBlobIds,
          ],
        );
        changes.record(EMAIL_SUBMISSION_TYPE, d.id, 'c');
        return;
      }
      case 'EmailSubmissionUpdated': {
        const entries = Object.entries(e.data.changes).filter(([k]) => k in COLUMNS);
        if (entries.length > 0) {
          const sets = entries.map(([k], i) => `${COLUMNS[k]} = $${i + 3}`).join(', ');
          const { rowCount } = await tx.query(
            `UPDATE email_submissions SET ${sets} WHERE account_id = $1 AND id = $2`,
            [accountId, e.data.id, ...entries.map(([k, v]) => (JSON_COLUMNS.has(k) ? JSON.stringify(v) : v))],
          );
          if (rowCount) changes.record(EMAIL_SUBMISSION_TYPE, e.data.id, 'u');
        }
        return;
      }
      case 'EmailSubmissionDestroyed':
        await tx.query('DELETE FROM email_submissions WHERE account_id = $1 AND id = $2', [
          accountId,
          e.data.id,
        ]);
        changes.record(EMAIL_SUBMISSION_TYPE, e.data.id, 'd');
        return;
      case 'VacationResponseUpdated': {
        const v = e.data;
        await tx.query(
          `INSERT INTO vacation_responses (account_id, is_enabled, from_date, to_date, subject, text_body, html_body)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (account_id) DO UPDATE SET is_enabled = EXCLUDED.is_enabled, from_date = EXCLUDED.from_date,
             to_date = EXCLUDED.to_date, subject = EXCLUDED.subject, text_body = EXCLUDED.text_body, html_body = EXCLUDED.html_body`,
          [accountId, v.isEnabled, v.fromDate, v.toDate, v.subject, v.textBody, v.htmlBody],
        );
        changes.record(VACATION_RESPONSE_TYPE, VACATION_SINGLETON_ID, 'u');
        return;
      }
      default: {
        const never: never = e;
        throw new Error(`unhandled ${(never as { type: string }).type}`);
      }
    }
  },
};
