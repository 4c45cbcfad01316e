/**
 * Delivery Status Notifications back into EmailSubmission (RFC 8621 7: deliveryStatus and dsnBlobIds). A DSN is
 * delivered to the submitting account like any mail (the relay or a later MTA sends it to the envelope sender);
 * when an EmailCreated event of delivered mail is a multipart/report with report-type delivery-status, its
 * message/delivery-status part is read from the stored message, the original Message-ID is taken from the returned
 * headers, and the submission of the account whose Email has that Message-ID gets the recipients' outcome and the
 * DSN's blob id. Idempotent: the command id is derived from the DSN email's id.
 */
import type { BlobStore } from '@jmap/blob-store';
import type { EmailCreatedData, StoredBodyPart } from '@jmap/email-contracts';
import type { CommandProcessor } from '@jmap/event-store';
import type { Logger } from '@jmap/platform';
import type { DeliveryStatus } from '@jmap/submission-contracts';
import { applyDsn, originalMessageId, parseDeliveryStatus } from '@jmap/submission-domain';

function parts(p: StoredBodyPart, out: StoredBodyPart[] = []): StoredBodyPart[] {
  out.push(p);
  for (const s of p.subParts ?? []) parts(s, out);
  return out;
}

function decode(raw: Buffer, p: StoredBodyPart): string {
  const body = raw.subarray(p.bodyOffset, p.bodyOffset + Math.min(p.bodyLength, 1024 * 1024));
  const enc = (p.encoding ?? '').toLowerCase();
  if (enc === 'base64')
    return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('utf8');
  if (enc === 'quoted-printable') {
    return body
      .toString('latin1')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
  return body.toString('utf8');
}

export class DsnCorrelator {
  constructor(
    private readonly processor: CommandProcessor,
    private readonly store: BlobStore,
    private readonly logger: Logger,
  ) {}

  /** True when the email is a DSN (then it was handled: correlated or not). */
  async consider(accountId: string, data: EmailCreatedData): Promise<boolean> {
    const top = data.bodyStructure;
    const reportType = /report-type\s*=\s*"?([A-Za-z-]+)/i.exec(
      top.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '',
    )?.[1];
    if (top.type.toLowerCase() !== 'multipart/report' || reportType?.toLowerCase() !== 'delivery-status')
      return false;
    const all = parts(top);
    const status = all.find(
      (p) =>
        p.type.toLowerCase() === 'message/delivery-status' ||
        p.type.toLowerCase() === 'message/global-delivery-status',
    );
    const returned = all.find((p) =>
      ['text/rfc822-headers', 'message/rfc822', 'message/global-headers', 'message/global'].includes(
        p.type.toLowerCase(),
      ),
    );
    if (!status || !returned) return true;
    const raw = await this.store.get(data.blobId.slice(1));
    const reports = parseDeliveryStatus(decode(raw, status));
    const messageId = originalMessageId(decode(raw, returned));
    if (!messageId || reports.length === 0) return true;
    await this.processor.handle(
      { accountId, commandId: `dsn:${data.id}`, type: 'EmailSubmission/dsn' },
      async (ctx) => {
        const { rows } = await ctx.tx.query<{
          id: string;
          delivery_status: Record<string, DeliveryStatus>;
          dsn_blob_ids: string[];
        }>(
          `SELECT s.id, s.delivery_status, s.dsn_blob_ids FROM email_submissions s
           JOIN emails e ON e.account_id = s.account_id AND e.id = s.email_id
          WHERE s.account_id = $1 AND $2 = ANY(e.message_id)`,
          [accountId, messageId],
        );
        const events = [];
        for (const r of rows) {
          const next = applyDsn(r.delivery_status, reports);
          if (!next) continue;
          events.push({
            type: 'EmailSubmissionUpdated',
            v: 1,
            data: {
              id: r.id,
              changes: { deliveryStatus: next, dsnBlobIds: [...r.dsn_blob_ids, data.blobId] },
            },
          });
        }
        this.logger.info(
          { accountId, emailId: data.id, messageId, submissions: events.length },
          'DSN received',
        );
        return { events, reply: () => null };
      },
    );
    return true;
  }
}
