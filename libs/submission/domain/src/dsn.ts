/**
 * Delivery Status Notifications (RFC 3464) that come back for a submission: the per-recipient fields of the
 * message/delivery-status part, and what they mean for the recipient's DeliveryStatus (RFC 8621 7: Action
 * "delivered" → delivered "yes", "failed" → "no", any other leaves `delivered` alone; smtpReply takes the
 * Diagnostic-Code, else the Status). Pure.
 */
import type { DeliveryStatus } from '@jmap/submission-contracts';
import { addressKey } from './addresses.js';

export interface DsnRecipient {
  /** The Final-Recipient address (or Original-Recipient when that is all there is). */
  recipient: string;
  action: string;
  status: string | null;
  diagnostic: string | null;
}

/** Field groups (RFC 3464 2.1: per-message fields, then one group per recipient), unfolded, names lowercased. */
function groups(text: string): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.replace(/\n[ \t]+/g, ' ').split('\n')) {
      const m = /^([A-Za-z0-9-]+)[ \t]*:[ \t]*(.*)$/.exec(line);
      if (m) fields.set(m[1].toLowerCase(), m[2].trim());
    }
    if (fields.size > 0) out.push(fields);
  }
  return out;
}

/** "rfc822; a@b" → "a@b" (the address-type is dropped). */
const typed = (v: string | undefined): string | null => {
  if (!v) return null;
  const i = v.indexOf(';');
  return (i >= 0 ? v.slice(i + 1) : v).trim().replace(/^<(.*)>$/, '$1') || null;
};

/** The recipients a message/delivery-status body reports on (at most 1,000: a bound on hostile input). */
export function parseDeliveryStatus(text: string): DsnRecipient[] {
  const out: DsnRecipient[] = [];
  for (const g of groups(text).slice(0, 1001)) {
    const recipient = typed(g.get('final-recipient')) ?? typed(g.get('original-recipient'));
    const action = g.get('action')?.toLowerCase();
    if (!recipient || !action) continue;
    out.push({
      recipient,
      action,
      status: g.get('status') ?? null,
      diagnostic: typed(g.get('diagnostic-code')),
    });
  }
  return out;
}

/** The Message-ID of the original message in a DSN's returned headers (text/rfc822-headers or message/rfc822). */
export function originalMessageId(returned: string): string | null {
  const unfolded = returned.replace(/\r?\n[ \t]+/g, ' ');
  const m = /^Message-ID:[ \t]*<([^>\s]{1,512})>/im.exec(unfolded);
  return m ? m[1] : null;
}

/** The new DeliveryStatus map after a DSN, or null when it names none of the submission's recipients. */
export function applyDsn(
  current: Record<string, DeliveryStatus>,
  reports: readonly DsnRecipient[],
): Record<string, DeliveryStatus> | null {
  const next = { ...current };
  let changed = false;
  for (const r of reports) {
    const key = Object.keys(next).find((k) => addressKey(k) === addressKey(r.recipient));
    if (!key) continue;
    const reply =
      r.diagnostic ??
      (r.status
        ? `${/^[245]/.test(r.status) ? r.status[0] : '5'}00 ${r.status} ${r.action}`
        : next[key].smtpReply);
    const delivered = r.action === 'delivered' ? 'yes' : r.action === 'failed' ? 'no' : next[key].delivered;
    next[key] = { ...next[key], smtpReply: reply, delivered };
    changed = true;
  }
  return changed ? next : null;
}
