/**
 * The vacation responder (RFC 8621 8, RFC 3834): consumes EmailCreated events of delivered mail (the ones with
 * `delivery`, the envelope), hands DSNs to the DsnCorrelator, and, when the account's VacationResponse is on and the RFC 3834 rules allow, sends
 * one reply per sender per period. The claim of the (account, sender) row is taken before sending, so a
 * redelivered event or a second replica never sends a second reply: at most once, which is what an automatic
 * reply should err on.
 */
import { randomUUID } from 'node:crypto';
import type { EventReader, PublishedEvent } from '@jmap/event-store';
import type { EmailCreatedData } from '@jmap/email-contracts';
import type { Logger, Pool } from '@jmap/platform';
import { vacationResponse } from '@jmap/submission-data-access';
import {
  addressKey,
  composeVacationReply,
  vacationVerdict,
  type InboundFacts,
} from '@jmap/submission-domain';
import type { DsnCorrelator } from './dsn-correlator.js';
import type { OutboundRouter } from './outbound-router.js';

export class VacationResponder {
  constructor(
    private readonly pool: Pool,
    private readonly reader: EventReader,
    private readonly router: OutboundRouter,
    private readonly periodMs: number,
    private readonly logger: Logger,
    private readonly dsn: DsnCorrelator,
  ) {}

  async handle(events: readonly PublishedEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type !== 'EmailCreated') continue;
      let data = e.data as Partial<EmailCreatedData>;
      if (e.dataOmitted) {
        const [stored] = await this.reader.read(this.pool, e.accountId, e.modseq, e.modseq, 1);
        data = (stored?.event.data ?? {}) as Partial<EmailCreatedData>;
      }
      if (!data.delivery) continue;
      // A DSN updates the submission it reports on and never gets a vacation reply (RFC 3834: null sender anyway).
      const isDsn = await this.dsn.consider(e.accountId, data as EmailCreatedData).catch((err: unknown) => {
        this.logger.warn({ err, accountId: e.accountId, emailId: data.id }, 'DSN not applied');
        return true;
      });
      if (isDsn) continue;
      await this.consider(e.accountId, data as EmailCreatedData).catch((err: unknown) =>
        this.logger.warn({ err, accountId: e.accountId, emailId: data.id }, 'vacation reply failed'),
      );
    }
  }

  private async consider(accountId: string, data: EmailCreatedData): Promise<void> {
    const v = await vacationResponse(this.pool, accountId);
    if (!v?.isEnabled) return;
    const own = await this.pool.query<{ address: string }>(
      'SELECT address FROM account_addresses WHERE account_id = $1',
      [accountId],
    );
    const facts: InboundFacts = {
      mailFrom: data.delivery!.mailFrom,
      headers: data.headers,
      subject: data.subject,
      messageId: data.messageId,
      references: data.references,
      receivedAt: new Date(data.receivedAt),
    };
    const verdict = vacationVerdict(v, facts, new Set(own.rows.map((r) => r.address)), null, this.periodMs);
    if (!verdict.reply) {
      this.logger.debug({ accountId, emailId: data.id, reason: verdict.reason }, 'no vacation reply');
      return;
    }
    const sender = addressKey(verdict.to);
    const now = new Date();
    // Claim (account, sender) for this period first: only the claimant sends.
    const claim = await this.pool.query(
      `INSERT INTO vacation_replies (account_id, sender, replied_at) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, sender) DO UPDATE SET replied_at = EXCLUDED.replied_at
         WHERE vacation_replies.replied_at <= EXCLUDED.replied_at - ($4::bigint * interval '1 millisecond')
       RETURNING 1`,
      [accountId, sender, now.toISOString(), this.periodMs],
    );
    if (!claim.rowCount) return;
    const from = data.delivery!.rcptTo;
    const domain = from.slice(from.lastIndexOf('@') + 1) || 'localhost';
    const raw = composeVacationReply({
      v,
      from,
      to: verdict.to,
      original: facts,
      messageId: `${randomUUID()}@${domain}`,
      now,
    });
    // RFC 3834 3.3: an automatic response goes out with the null reverse-path, so nothing bounces back to it.
    const outcomes = await this.router.route(raw, '', [verdict.to]);
    this.logger.info(
      { accountId, emailId: data.id, to: verdict.to, outcome: outcomes.get(verdict.to) },
      'vacation reply sent',
    );
  }
}
