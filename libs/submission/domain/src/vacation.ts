/**
 * The vacation responder's rules (RFC 8621 8, RFC 3834): whether a delivered message gets an automatic reply,
 * and the reply itself. Pure: the caller passes the clock, the last reply time and the ids.
 */
import type { VacationResponseFields } from '@jmap/submission-contracts';
import { addressKey } from './addresses.js';

export interface InboundFacts {
  /** The envelope's MAIL FROM; null or "" is the null reverse-path. */
  mailFrom: string | null;
  headers: Array<{ name: string; value: string }>;
  subject: string | null;
  messageId: string[] | null;
  references: string[] | null;
  receivedAt: Date;
}

export type VacationVerdict = { reply: true; to: string } | { reply: false; reason: string };

const header = (f: InboundFacts, name: string) =>
  f.headers.filter((h) => h.name.toLowerCase() === name).map((h) => h.value.trim());

/**
 * RFC 3834 section 2: never to the null sender, to auto-submitted mail (Auto-Submitted other than "no"), to
 * mailing lists (List-* fields, Precedence bulk/list/junk) or to the account's own addresses; only within the
 * fromDate/toDate window; at most once per sender per period.
 */
export function vacationVerdict(
  v: VacationResponseFields | null,
  f: InboundFacts,
  ownAddresses: ReadonlySet<string>,
  lastReplyAt: Date | null,
  periodMs: number,
): VacationVerdict {
  if (!v || !v.isEnabled) return { reply: false, reason: 'disabled' };
  if (v.fromDate && f.receivedAt.getTime() < Date.parse(v.fromDate))
    return { reply: false, reason: 'before fromDate' };
  if (v.toDate && f.receivedAt.getTime() >= Date.parse(v.toDate))
    return { reply: false, reason: 'after toDate' };
  const sender = f.mailFrom?.trim() ?? '';
  if (sender === '' || sender === '<>') return { reply: false, reason: 'null sender' };
  const auto = header(f, 'auto-submitted');
  if (auto.some((a) => a.split(';')[0].trim().toLowerCase() !== 'no'))
    return { reply: false, reason: 'auto-submitted' };
  if (f.headers.some((h) => h.name.toLowerCase().startsWith('list-')))
    return { reply: false, reason: 'mailing list' };
  if (header(f, 'precedence').some((p) => ['bulk', 'list', 'junk'].includes(p.toLowerCase())))
    return { reply: false, reason: 'bulk precedence' };
  const local = addressKey(sender).split('@')[0];
  // RFC 3834 2: owner-*, *-request and MAILER-DAEMON senders are lists or robots.
  if (local.startsWith('owner-') || local.endsWith('-request') || local === 'mailer-daemon')
    return { reply: false, reason: 'robot sender' };
  if (ownAddresses.has(addressKey(sender))) return { reply: false, reason: 'own address' };
  if (lastReplyAt && f.receivedAt.getTime() - lastReplyAt.getTime() < periodMs)
    return { reply: false, reason: 'replied within the period' };
  return { reply: true, to: sender };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
const rfc5322Date = (d: Date) =>
  `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;

/** An unstructured header value: plain when it is printable ASCII, else an RFC 2047 encoded-word. */
function headerText(s: string): string {
  const clean = s.replace(/[\r\n\u0000-\u001f]+/g, ' ').slice(0, 900);
  return /^[\x20-\x7e]*$/.test(clean)
    ? clean
    : `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

const b64 = (s: string) =>
  (
    Buffer.from(s, 'utf8')
      .toString('base64')
      .match(/.{1,76}/g) ?? ['']
  ).join('\r\n');

/** The auto-reply (RFC 3834 section 3): Auto-Submitted: auto-replied, In-Reply-To/References to the original. */
export function composeVacationReply(o: {
  v: VacationResponseFields;
  from: string;
  to: string;
  original: InboundFacts;
  messageId: string;
  now: Date;
}): Buffer {
  const origSubject = o.original.subject ?? '';
  const subject = o.v.subject ?? (origSubject ? `Auto: ${origSubject}` : 'Auto: away');
  const text =
    o.v.textBody ??
    (o.v.htmlBody ? o.v.htmlBody.replace(/<[^>]*>/g, '') : 'I am away and will read your message later.');
  const msgIds = o.original.messageId ?? [];
  const refs = [...(o.original.references ?? []), ...msgIds].slice(-20);
  const lines = [
    `From: ${o.from}`,
    `To: ${o.to}`,
    `Subject: ${headerText(subject)}`,
    `Date: ${rfc5322Date(o.now)}`,
    `Message-ID: <${o.messageId}>`,
    ...(msgIds.length ? [`In-Reply-To: <${msgIds[0]}>`] : []),
    ...(refs.length ? [`References: ${refs.map((r) => `<${r}>`).join(' ')}`] : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
  ];
  if (o.v.htmlBody) {
    const boundary = `vac-${o.messageId.replace(/[^A-Za-z0-9]/g, '')}`;
    lines.push(`Content-Type: multipart/alternative; boundary="${boundary}"`, '');
    lines.push(
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64(text),
    );
    lines.push(
      `--${boundary}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64(o.v.htmlBody),
    );
    lines.push(`--${boundary}--`, '');
  } else {
    lines.push(
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64(text),
      '',
    );
  }
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Checks a VacationResponse/set patch (RFC 8621 8); returns the new object or the invalid property names. */
export function applyVacationPatch(
  current: VacationResponseFields,
  patch: Record<string, unknown>,
): VacationResponseFields | { invalid: string[] } {
  const next: VacationResponseFields = { ...current };
  const invalid: string[] = [];
  const utc = (v: unknown) =>
    v === null ||
    (typeof v === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) &&
      !Number.isNaN(Date.parse(v)));
  for (const [k, v] of Object.entries(patch)) {
    switch (k) {
      case 'id':
        if (v !== 'singleton') invalid.push(k);
        break;
      case 'isEnabled':
        if (typeof v === 'boolean') next.isEnabled = v;
        else invalid.push(k);
        break;
      case 'fromDate':
      case 'toDate':
        if (utc(v)) next[k] = v as string | null;
        else invalid.push(k);
        break;
      case 'subject':
      case 'textBody':
      case 'htmlBody':
        if (v === null || (typeof v === 'string' && v.length <= 100_000)) next[k] = v as string | null;
        else invalid.push(k);
        break;
      default:
        invalid.push(k);
    }
  }
  return invalid.length > 0 ? { invalid } : next;
}

export const DEFAULT_VACATION: VacationResponseFields = {
  isEnabled: false,
  fromDate: null,
  toDate: null,
  subject: null,
  textBody: null,
  htmlBody: null,
};
