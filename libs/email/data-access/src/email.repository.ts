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

type Converter = (value: unknown) => unknown;
const asIs: Converter = (v) => v;
/** `["a","b"]` (array_to_json of a text[]) as the JMAP set it stands for, `{"a": true, "b": true}`. */
const asSet: Converter = (v) => {
  const out: Record<string, true> = {};
  for (const k of v as string[]) out[k] = true;
  return out;
};

/**
 * The Email properties (RFC 8621 4.1) a client lists and syncs (metadata, convenience headers, preview): the
 * column expression each is read with, chosen to be cheap to decode (arrays as JSON, the date as PostgreSQL's
 * timestamp text), and how the value becomes the JMAP one. The values equal what `emailRecords` and the Email view
 * give (the read model stores addresses as EmailAddress[] already; see the e2e corpus test).
 */
const LISTING: Readonly<Record<string, { sql: string; value: Converter }>> = {
  id: { sql: 'id', value: asIs },
  blobId: { sql: 'blob_id', value: asIs },
  threadId: { sql: 'thread_id', value: asIs },
  mailboxIds: { sql: 'array_to_json(mailbox_ids)', value: asSet },
  keywords: { sql: 'array_to_json(keywords)', value: asSet },
  size: { sql: 'size::float8', value: asIs },
  // PostgreSQL's own output of the UTC time ("2025-03-01 10:00:00.25"), made a UTCDate here (utcDateOfTimestamp).
  receivedAt: {
    sql: "(received_at AT TIME ZONE 'UTC')::text",
    value: (v) => utcDateOfTimestamp(v as string),
  },
  messageId: { sql: 'array_to_json(message_id)', value: asIs },
  inReplyTo: { sql: 'array_to_json(in_reply_to)', value: asIs },
  references: { sql: 'array_to_json(refs)', value: asIs },
  sender: { sql: 'sender', value: asIs },
  from: { sql: 'from_', value: asIs },
  to: { sql: 'to_', value: asIs },
  cc: { sql: 'cc', value: asIs },
  bcc: { sql: 'bcc', value: asIs },
  replyTo: { sql: 'reply_to', value: asIs },
  subject: { sql: 'subject', value: asIs },
  sentAt: { sql: 'sent_at_text', value: asIs },
  hasAttachment: { sql: 'has_attachment', value: asIs },
  preview: { sql: 'preview', value: asIs },
};

/**
 * A UTC `timestamp` as PostgreSQL writes it (ISO DateStyle: "2025-03-01 10:00:00" or with up to six fraction
 * digits) as toUtcDate would write the same instant: milliseconds only when not zero, cut (not rounded) like a
 * JavaScript Date. Anything else (a year past 9999, BC) goes through toUtcDate.
 */
export function utcDateOfTimestamp(text: string): string | null {
  if (text.length < 19 || text.charCodeAt(10) !== 32 || text.charCodeAt(4) !== 45)
    return toUtcDate(`${text.replace(' ', 'T')}Z`);
  const seconds = `${text.slice(0, 10)}T${text.slice(11, 19)}`;
  if (text.length === 19) return `${seconds}Z`;
  if (text.charCodeAt(19) !== 46) return toUtcDate(`${text.replace(' ', 'T')}Z`);
  const ms = text.slice(20, 23).padEnd(3, '0');
  return ms === '000' ? `${seconds}Z` : `${seconds}.${ms}Z`;
}

/** Whether `emailListingObjects` can answer these properties. */
export function isListing(properties: readonly string[]): boolean {
  return properties.every((p) => Object.prototype.hasOwnProperty.call(LISTING, p));
}

/** The statement emailListingObjects runs (also for the benchmark's query plan). */
export function listingSql(
  accountId: string,
  ids: readonly string[] | null,
  properties: readonly string[],
  limit: number,
): { text: string; values: unknown[] } {
  if (!isListing(properties)) throw new Error(`not listing properties: ${properties.join(', ')}`);
  const columns = properties.map((p) => LISTING[p].sql).join(', ');
  return ids === null
    ? {
        text: `SELECT ${columns} FROM emails WHERE account_id = $1 ORDER BY id LIMIT $2`,
        values: [accountId, limit],
      }
    : {
        text: `SELECT ${columns} FROM emails WHERE account_id = $1 AND id = ANY($2::text[])`,
        values: [accountId, ids],
      };
}

/**
 * The Email objects with these ids (or every email of the account, at most `limit`) with exactly the given
 * properties, all of them `isListing`: each row is read as an array and turned into the JMAP object in one pass,
 * with no record in between. The initial sync of a large mailbox is mostly this (DESIGN.md, performance budget).
 * Unknown ids are left out.
 */
export async function emailListingObjects(
  db: Queryable,
  accountId: string,
  ids: readonly string[] | null,
  properties: readonly string[],
  limit: number,
): Promise<Array<Record<string, unknown> & { id: string }>> {
  const convert = properties.map((p) => LISTING[p].value);
  const { rows } = await db.query<unknown[]>({
    ...listingSql(accountId, ids, properties, limit),
    rowMode: 'array',
  });
  const out = new Array<Record<string, unknown> & { id: string }>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const o: Record<string, unknown> = {};
    for (let i = 0; i < properties.length; i++) {
      const v = row[i];
      o[properties[i]] = v === null ? null : convert[i](v);
    }
    out[r] = o as Record<string, unknown> & { id: string };
  }
  return out;
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
