/**
 * Writes the rows of new emails (`emails`, `email_mailboxes`, `email_message_ids`), several emails per statement
 * (an import's run of EmailCreated events costs three statements, whatever its size).
 */
import type { EmailCreatedData } from '@jmap/email-contracts';
import { isUnread, threadingIds, toUtcDate } from '@jmap/email-domain';
import type { PoolClient } from '@jmap/platform';
import { bodySearchDocuments, type SearchTokenizing } from './search/search-document.js';
import { searchTokenizing } from './search/search-probe.js';

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

const COLUMNS = [
  'account_id',
  'id',
  'thread_id',
  'blob_id',
  'size',
  'received_at',
  'sent_at',
  'sent_at_text',
  'message_id',
  'in_reply_to',
  'refs',
  'subject',
  'base_subject',
  'sender',
  'from_',
  'to_',
  'cc',
  'bcc',
  'reply_to',
  'keywords',
  'mailbox_ids',
  'has_attachment',
  'preview',
  'headers',
  'body_structure',
  'text_body',
  'html_body',
  'attachments',
  'text_extract',
];

function values(accountId: string, d: EmailCreatedData): unknown[] {
  return [
    accountId,
    d.id,
    d.threadId,
    d.blobId,
    d.size,
    d.receivedAt,
    d.sentAt ? toUtcDate(d.sentAt) : null,
    d.sentAt,
    d.messageId,
    d.inReplyTo,
    d.references,
    d.subject,
    d.baseSubject,
    json(d.sender),
    json(d.from),
    json(d.to),
    json(d.cc),
    json(d.bcc),
    json(d.replyTo),
    d.keywords,
    d.mailboxIds,
    d.hasAttachment,
    d.preview,
    JSON.stringify(d.headers),
    JSON.stringify(d.bodyStructure),
    d.textBody,
    d.htmlBody,
    d.attachments,
    d.textExtract,
  ];
}

const column = (name: string) => COLUMNS.indexOf(name) + 1;
/**
 * The full-text document (ADR 0009) from the row's own parameters and the body's document (the two parameters
 * after them): subject, addresses and part names by PostgreSQL, the body's plain words by search-document.ts.
 */
const SEARCH = (p: (column: number) => string) =>
  `email_search_document(${p(column('subject'))}::text, ${['from_', 'to_', 'cc', 'bcc', 'body_structure']
    .map((c) => `${p(column(c))}::jsonb`)
    .join(', ')}, ${p(COLUMNS.length + 1)}::text, ${p(COLUMNS.length + 2)}::text)`;

/** `tokenizing` defaults to what the probe finds (search-probe.ts); the search-cost benchmark compares them. */
export async function insertEmails(
  tx: PoolClient,
  accountId: string,
  emails: readonly EmailCreatedData[],
  tokenizing?: SearchTokenizing,
): Promise<void> {
  if (emails.length === 0) return;
  tokenizing ??= await searchTokenizing(tx);
  const bodies = await bodySearchDocuments(
    tx,
    emails.map((d) => d.textExtract),
    tokenizing,
  );
  const params: unknown[] = [];
  const rows = emails.map((d, k) => {
    const start = params.length;
    params.push(...values(accountId, d), bodies[k].literal, bodies[k].rest);
    const p = (n: number) => `$${start + n}`;
    return `(${COLUMNS.map((_, c) => p(c + 1)).join(', ')}, ${SEARCH(p)})`;
  });
  await tx.query(`INSERT INTO emails (${COLUMNS.join(', ')}, search) VALUES ${rows.join(', ')}`, params);

  const member = emails.flatMap((d) => d.mailboxIds.map((m) => ({ d, m })));
  await tx.query(
    `INSERT INTO email_mailboxes (account_id, mailbox_id, email_id, received_at, thread_id, unread)
     SELECT $1, m, e, r, t, u FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::boolean[]) AS x(m, e, r, t, u)`,
    [
      accountId,
      member.map((x) => x.m),
      member.map((x) => x.d.id),
      member.map((x) => x.d.receivedAt),
      member.map((x) => x.d.threadId),
      member.map((x) => isUnread(x.d.keywords)),
    ],
  );

  const ids = emails.flatMap((d) => threadingIds(d).map((i) => ({ ...i, emailId: d.id })));
  if (ids.length === 0) return;
  await tx.query(
    `INSERT INTO email_message_ids (account_id, message_id, email_id, kind)
     SELECT $1, m, e, k FROM unnest($2::text[], $3::text[], $4::text[]) AS x(m, e, k)`,
    [accountId, ids.map((i) => i.messageId), ids.map((i) => i.emailId), ids.map((i) => i.kind)],
  );
}
