/**
 * Reads of the email read model for Email/get and friends. Only the columns the requested properties need are
 * read: the listing properties are small, while headers, bodyStructure and the text extract are not.
 */
import { typeState } from '@jmap/event-store';
import type { EmailCreatedData } from '@jmap/email-contracts';
import { toUtcDate } from '@jmap/email-domain';
import type { Queryable } from '@jmap/platform';
import { EMAIL_TYPE } from './email.projection.js';

/** An email as the read model holds it; fields not read are absent. */
export type EmailRecord = Partial<Omit<EmailCreatedData, 'baseSubject' | 'textExtract' | 'delivery'>> & {
  id: string;
};

export type EmailField = keyof EmailRecord;

/** Column (or expression) per field. */
const COLUMNS: Record<Exclude<EmailField, 'id'>, string> = {
  threadId: 'thread_id',
  blobId: 'blob_id',
  size: 'size',
  receivedAt: 'received_at',
  sentAt: 'sent_at_text',
  messageId: 'message_id',
  inReplyTo: 'in_reply_to',
  references: 'refs',
  subject: 'subject',
  sender: 'sender',
  from: 'from_',
  to: 'to_',
  cc: 'cc',
  bcc: 'bcc',
  replyTo: 'reply_to',
  keywords: 'keywords',
  mailboxIds: 'mailbox_ids',
  hasAttachment: 'has_attachment',
  preview: 'preview',
  headers: 'headers',
  bodyStructure: 'body_structure',
  textBody: 'text_body',
  htmlBody: 'html_body',
  attachments: 'attachments',
};

export function emailState(db: Queryable, accountId: string): Promise<number> {
  return typeState(db, accountId, EMAIL_TYPE);
}

function toRecord(row: Record<string, unknown>, fields: readonly Exclude<EmailField, 'id'>[]): EmailRecord {
  const record: Record<string, unknown> = { id: row.id };
  for (const f of fields) {
    const v = row[COLUMNS[f]];
    record[f] = f === 'receivedAt' ? toUtcDate(v as Date) : v;
  }
  return record as EmailRecord;
}

/**
 * The emails with these ids (or every email of the account when ids is null, at most `limit`), with the given
 * fields. Unknown ids are left out.
 */
export async function emailRecords(
  db: Queryable,
  accountId: string,
  ids: readonly string[] | null,
  fields: ReadonlySet<EmailField>,
  limit: number,
): Promise<EmailRecord[]> {
  const wanted = [...fields].filter((f): f is Exclude<EmailField, 'id'> => f !== 'id');
  const columns = ['id', ...new Set(wanted.map((f) => COLUMNS[f]))].join(', ');
  const { rows } =
    ids === null
      ? await db.query(`SELECT ${columns} FROM emails WHERE account_id = $1 ORDER BY id LIMIT $2`, [
          accountId,
          limit,
        ])
      : await db.query(`SELECT ${columns} FROM emails WHERE account_id = $1 AND id = ANY($2::text[])`, [
          accountId,
          ids,
        ]);
  return rows.map((r: Record<string, unknown>) => toRecord(r, wanted));
}

/** The emails in any of these mailboxes with their mailbox sets (read in the mailbox command's transaction). */
export async function emailsInMailboxes(
  db: Queryable,
  accountId: string,
  mailboxIds: readonly string[],
): Promise<Array<{ id: string; mailboxIds: string[] }>> {
  const { rows } = await db.query<{ id: string; mailbox_ids: string[] }>(
    `SELECT DISTINCT e.id, e.mailbox_ids FROM email_mailboxes m
       JOIN emails e ON e.account_id = m.account_id AND e.id = m.email_id
      WHERE m.account_id = $1 AND m.mailbox_id = ANY($2::text[]) ORDER BY e.id`,
    [accountId, mailboxIds],
  );
  return rows.map((r) => ({ id: r.id, mailboxIds: r.mailbox_ids }));
}
