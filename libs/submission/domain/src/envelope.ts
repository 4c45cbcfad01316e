/**
 * The envelope of a submission (RFC 8621 7): given by the client and checked, or derived from the message's
 * header fields (7 "If the envelope property is null or omitted on creation ..."). FUTURERELEASE (RFC 4865)
 * parameters on MAIL FROM ask for a delayed send; they are consumed here, never passed on to the relay.
 */
import type { Envelope, SmtpAddress } from '@jmap/submission-contracts';
import { addressKey } from './addresses.js';

export interface AddressValue {
  name: string | null;
  email: string;
}

/** The header facts of the Email to send (from the email read model). */
export interface EmailHeaderFacts {
  /** Every header field in order, raw values. */
  headers: Array<{ name: string; value: string }>;
  sender: AddressValue[] | null;
  from: AddressValue[] | null;
  to: AddressValue[] | null;
  cc: AddressValue[] | null;
  bcc: AddressValue[] | null;
}

export type EnvelopeResult =
  { ok: true; envelope: Envelope } | { ok: false; properties: string[]; description: string };

const count = (facts: EmailHeaderFacts, name: string) =>
  facts.headers.filter((h) => h.name.toLowerCase() === name).length;

/**
 * Derives the envelope from the headers. More than one Sender/From field, or several addresses in the one
 * used, is rejected (the RFC's SHOULD). `identityEmail` replaces a mailFrom the identity does not allow.
 */
export function deriveEnvelope(
  facts: EmailHeaderFacts,
  allowedMailFrom: (address: string) => boolean,
  identityEmail: string,
): EnvelopeResult {
  let mailFrom: string | null = null;
  for (const [field, list] of [
    ['sender', facts.sender],
    ['from', facts.from],
  ] as const) {
    if (count(facts, field) === 0) continue;
    if (count(facts, field) > 1 || (list?.length ?? 0) > 1) {
      return {
        ok: false,
        properties: [field],
        description: `The ${field} header field must hold exactly one address.`,
      };
    }
    mailFrom = list?.[0]?.email ?? null;
    break;
  }
  if (mailFrom === null || !allowedMailFrom(mailFrom)) mailFrom = identityEmail;
  const seen = new Set<string>();
  const rcptTo: SmtpAddress[] = [];
  for (const a of [...(facts.to ?? []), ...(facts.cc ?? []), ...(facts.bcc ?? [])]) {
    const key = addressKey(a.email);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    rcptTo.push({ email: a.email, parameters: null });
  }
  return { ok: true, envelope: { mailFrom: { email: mailFrom, parameters: null }, rcptTo } };
}

/** MAIL FROM parameters we act on; any other is refused (we could not honour it at the relay). */
const MAIL_PARAMETERS = new Set(['HOLDFOR', 'HOLDUNTIL']);

export type ReleaseResult = { ok: true; sendAt: Date } | { ok: false; description: string };

/**
 * The release time from FUTURERELEASE parameters (RFC 4865 section 3: HOLDFOR=<seconds> or
 * HOLDUNTIL=<date-time>), bounded by maxDelayedSend seconds; without them, now.
 */
export function releaseTime(mailFrom: SmtpAddress, now: Date, maxDelayedSend: number): ReleaseResult {
  const params = Object.entries(mailFrom.parameters ?? {}).map(([k, v]) => [k.toUpperCase(), v] as const);
  for (const [k] of params)
    if (!MAIL_PARAMETERS.has(k))
      return { ok: false, description: `The MAIL FROM parameter ${k} is not supported.` };
  const holdFor = params.find(([k]) => k === 'HOLDFOR');
  const holdUntil = params.find(([k]) => k === 'HOLDUNTIL');
  if (holdFor && holdUntil)
    return { ok: false, description: 'HOLDFOR and HOLDUNTIL exclude each other (RFC 4865).' };
  let at = now;
  if (holdFor) {
    if (typeof holdFor[1] !== 'string' || !/^\d{1,10}$/.test(holdFor[1]))
      return { ok: false, description: 'HOLDFOR takes a number of seconds.' };
    at = new Date(now.getTime() + Number(holdFor[1]) * 1000);
  } else if (holdUntil) {
    const t = typeof holdUntil[1] === 'string' ? Date.parse(holdUntil[1]) : NaN;
    if (Number.isNaN(t)) return { ok: false, description: 'HOLDUNTIL takes an RFC 3339 date-time.' };
    at = new Date(Math.max(t, now.getTime()));
  }
  if (at.getTime() - now.getTime() > maxDelayedSend * 1000) {
    return {
      ok: false,
      description: `A send may be delayed by at most ${maxDelayedSend} seconds (maxDelayedSend).`,
    };
  }
  return { ok: true, sendAt: at };
}

/** Checks a client-given Envelope's shape; null when it is not one. */
export function parseEnvelope(value: unknown): Envelope | null {
  const isAddress = (a: unknown): a is SmtpAddress => {
    if (a === null || typeof a !== 'object' || Array.isArray(a)) return false;
    const { email, parameters, ...rest } = a as Record<string, unknown>;
    if (Object.keys(rest).length > 0 || typeof email !== 'string') return false;
    if (parameters === null || parameters === undefined) return true;
    if (typeof parameters !== 'object' || Array.isArray(parameters)) return false;
    return Object.values(parameters as object).every((v) => v === null || typeof v === 'string');
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { mailFrom, rcptTo, ...rest } = value as Record<string, unknown>;
  if (
    Object.keys(rest).length > 0 ||
    !isAddress(mailFrom) ||
    !Array.isArray(rcptTo) ||
    !rcptTo.every(isAddress)
  )
    return null;
  const norm = (a: SmtpAddress): SmtpAddress => ({ email: a.email, parameters: a.parameters ?? null });
  return { mailFrom: norm(mailFrom), rcptTo: rcptTo.map(norm) };
}
