/**
 * Routes one message to its recipients: addresses hosted here go through LocalDelivery into the recipients'
 * Inboxes (the event-sourced import, idempotent per octets and recipient); an unknown address in a domain hosted
 * here fails permanently; everything else goes to the relay, or waits queued when no relay is configured.
 */
import type { DeliveryResult, LocalDelivery } from '@jmap/delivery';
import type { Pool } from '@jmap/platform';
import { domainOf, type RecipientOutcome } from '@jmap/submission-domain';
import type { SmtpRelay } from './smtp-relay.js';

function localOutcome(r: DeliveryResult): RecipientOutcome {
  switch (r.status) {
    case 'delivered':
    case 'duplicate':
      return { kind: 'delivered', smtpReply: `250 2.1.5 ${r.message}`, local: true };
    case 'unknown':
      return { kind: 'permanent', smtpReply: `550 5.1.1 ${r.message}` };
    case 'tooLarge':
      return { kind: 'permanent', smtpReply: `552 5.3.4 ${r.message}` };
    case 'unavailable':
      return { kind: 'transient', smtpReply: `451 4.3.0 ${r.message}` };
    default: {
      const never: never = r.status;
      throw new Error(`unhandled ${String(never)}`);
    }
  }
}

export class OutboundRouter {
  constructor(
    private readonly pool: Pool,
    private readonly local: LocalDelivery,
    private readonly relay: SmtpRelay | null,
  ) {}

  private async hostedDomains(domains: string[]): Promise<Set<string>> {
    if (domains.length === 0) return new Set();
    const { rows } = await this.pool.query<{ name: string }>(
      'SELECT name FROM domains WHERE name = ANY($1::text[])',
      [domains],
    );
    return new Set(rows.map((r) => r.name));
  }

  async route(
    raw: Buffer,
    mailFrom: string,
    recipients: readonly string[],
  ): Promise<Map<string, RecipientOutcome>> {
    const out = new Map<string, RecipientOutcome>();
    const local: string[] = [];
    const remote: string[] = [];
    const hosted = await this.hostedDomains([...new Set(recipients.map(domainOf))]);
    for (const r of recipients) {
      if ((await this.local.resolve(r)) !== null) local.push(r);
      else if (hosted.has(domainOf(r)))
        out.set(r, { kind: 'permanent', smtpReply: `550 5.1.1 No such user here: ${r}` });
      else remote.push(r);
    }
    if (local.length > 0) {
      const results = await this.local.deliver({
        raw,
        mailFrom: mailFrom || null,
        recipients: local,
        protocol: 'local',
      });
      for (const r of results) out.set(r.recipient, localOutcome(r));
    }
    if (remote.length > 0) {
      if (!this.relay) {
        for (const r of remote)
          out.set(r, {
            kind: 'transient',
            smtpReply: '451 4.4.0 No relay configured for remote recipients (SMTP_RELAY_URL)',
          });
      } else {
        const { outcomes } = await this.relay.send(mailFrom, remote, raw);
        for (const [r, o] of outcomes) out.set(r, o);
      }
    }
    return out;
  }
}
