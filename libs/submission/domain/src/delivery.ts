/**
 * Delivery outcomes (RFC 8621 7 DeliveryStatus): SMTP replies folded to one line, the per-recipient verdict of
 * an attempt, and the retry schedule. Pure.
 */
import type { DeliveryStatus } from '@jmap/submission-contracts';

/**
 * A multi-line SMTP reply as one string (RFC 8621 7 smtpReply): the hyphen after the code becomes a space,
 * the prefix shared with the first line is dropped from later lines, line breaks become spaces.
 */
export function foldSmtpReply(reply: string): string {
  const lines = reply.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) return '';
  const norm = lines.map((l) => l.replace(/^(\d{3})-/, '$1 '));
  const first = norm[0];
  const prefix = /^\d{3} (?:\d\.\d{1,3}\.\d{1,3} )?/.exec(first)?.[0] ?? '';
  return [first, ...norm.slice(1).map((l) => (prefix && l.startsWith(prefix) ? l.slice(prefix.length) : l))]
    .join(' ')
    .trim();
}

/** What one attempt learned about one recipient. */
export type RecipientOutcome =
  | { kind: 'delivered'; smtpReply: string; local: boolean }
  | { kind: 'permanent'; smtpReply: string }
  | { kind: 'transient'; smtpReply: string };

/** Classifies an SMTP reply code: 2xx delivered (relayed), 5xx permanent, anything else transient. */
export function outcomeOfReply(code: number | undefined, text: string): RecipientOutcome {
  const reply = foldSmtpReply(text) || (code ? String(code) : '451 4.4.1 No answer from the relay');
  if (code !== undefined && code >= 200 && code < 300)
    return { kind: 'delivered', smtpReply: reply, local: false };
  if (code !== undefined && code >= 500 && code < 600) return { kind: 'permanent', smtpReply: reply };
  return { kind: 'transient', smtpReply: reply };
}

/**
 * The new DeliveryStatus of a recipient. Local delivery puts the message into the recipient's mail store
 * ("yes"); a relay's 250 only means it was relayed ("unknown" until a DSN says more, RFC 8621 7); a permanent
 * failure is "no"; a transient one stays "queued" unless the attempts are exhausted.
 */
export function statusAfter(outcome: RecipientOutcome, exhausted: boolean): DeliveryStatus {
  switch (outcome.kind) {
    case 'delivered':
      return {
        smtpReply: outcome.smtpReply,
        delivered: outcome.local ? 'yes' : 'unknown',
        displayed: 'unknown',
      };
    case 'permanent':
      return { smtpReply: outcome.smtpReply, delivered: 'no', displayed: 'unknown' };
    case 'transient':
      return { smtpReply: outcome.smtpReply, delivered: exhausted ? 'no' : 'queued', displayed: 'unknown' };
    default: {
      const never: never = outcome;
      throw new Error(`unhandled ${String(never)}`);
    }
  }
}

/** Recipients still to be tried. */
export function pendingRecipients(progress: Record<string, DeliveryStatus>): string[] {
  return Object.entries(progress)
    .filter(([, s]) => s.delivered === 'queued')
    .map(([r]) => r);
}

/** Exponential backoff with a cap: base, 2·base, 4·base ... (attempt 1 is the first retry). */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
}

/**
 * The message without its Bcc header fields ("The server MUST remove any Bcc header field present on the
 * message during delivery", RFC 8621 7.5). Only the header section is touched; folded continuation lines of a
 * Bcc field go with it.
 */
export function withoutBcc(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const end = crlf >= 0 && (lf < 0 || crlf <= lf) ? crlf + 2 : lf >= 0 ? lf + 1 : raw.length;
  const header = raw.subarray(0, end).toString('latin1');
  const lines = header.split(/(?<=\n)/);
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line) && line.trim() !== '') {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = /^bcc[ \t]*:/i.test(line);
    if (!dropping) kept.push(line);
  }
  if (kept.length === lines.length) return raw;
  return Buffer.concat([Buffer.from(kept.join(''), 'latin1'), raw.subarray(end)]);
}
