/**
 * The trace fields a delivery adds at the top of the message (RFC 5321 section 4.4, RFC 5322 section 3.6.7):
 * `Received:` naming the client, this host, the protocol, an id and the time, and `Delivered-To:` naming the
 * envelope recipient the copy was delivered for. Pure: the caller passes the clock and the id.
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 section 3.3 date-time in UTC, e.g. "Thu, 26 Nov 2026 03:20:00 +0000". */
export function rfc5322Date(d: Date): string {
  return (
    `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
  );
}

/** Keeps what a client or an envelope may put into a trace field harmless: no line breaks, no controls, bounded. */
function clean(s: string, max = 255): string {
  return s
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/[()<>;\\"]/g, '')
    .trim()
    .slice(0, max);
}

export interface TraceInput {
  /** The EHLO/LHLO name the client gave, if any. */
  clientName?: string;
  /** The client's IP address, if known. */
  clientAddress?: string;
  /** This host (the name in the greeting). */
  localName: string;
  /** "LMTP", "ESMTP", "SMTP" or "local" (RFC 5321 section 4.4 "with" protocol). */
  protocol: string;
  /** The delivery id (shown as "id"). */
  id: string;
  recipient: string;
  at: Date;
}

/** The two fields with their line ending (`eol`), ready to prepend to the raw message. */
export function traceFields(input: TraceInput, eol: string): string {
  const from = input.clientName || input.clientAddress ? clean(input.clientName ?? 'unknown') : null;
  const address = input.clientAddress ? ` ([${clean(input.clientAddress, 64)}])` : '';
  const rcpt = clean(input.recipient);
  const parts = [
    from ? `from ${from}${address}` : null,
    `by ${clean(input.localName)} (jmap-store)`,
    `with ${clean(input.protocol, 16)} id ${clean(input.id, 64)}`,
    `for <${rcpt}>; ${rfc5322Date(input.at)}`,
  ].filter((p): p is string => p !== null);
  // Folded (RFC 5322 section 2.2.3): each part after the first on a continuation line.
  return `Delivered-To: ${rcpt}${eol}Received: ${parts.join(`${eol}\t`)}${eol}`;
}

/** The line ending the message uses (CRLF on the wire; LF when a caller hands over a Unix-style message). */
export function lineEnding(raw: Buffer): string {
  const lf = raw.indexOf(0x0a);
  return lf > 0 && raw[lf - 1] === 0x0d ? '\r\n' : lf < 0 ? '\r\n' : '\n';
}

/** The message as stored for one recipient: the trace fields, then the octets as received. */
export function withTraceFields(raw: Buffer, input: TraceInput): Buffer {
  return Buffer.concat([Buffer.from(traceFields(input, lineEnding(raw)), 'utf8'), raw]);
}
