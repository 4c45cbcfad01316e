/**
 * The PushSubscription object (RFC 8620 section 7.2) and the rules of PushSubscription/set: what a create may
 * contain, which properties are immutable, how `expires` is clamped and what an update may change. Pure: the
 * caller supplies the clock and the limits, and stores the result.
 */
import { type SetError, isUtcDate, setError } from '@jmap/protocol';

export interface PushSubscriptionRecord {
  id: string;
  deviceClientId: string;
  url: string;
  keys: { p256dh: string; auth: string } | null;
  verificationCode: string;
  verified: boolean;
  expires: Date;
  types: string[] | null;
}

/** Every property; `url` and `keys` are never returned by /get (section 7.2.1). */
export const PUSH_SUBSCRIPTION_PROPERTIES = ['id', 'deviceClientId', 'url', 'keys', 'verificationCode', 'expires', 'types'] as const;
export const PUSH_SUBSCRIPTION_PRIVATE = ['url', 'keys'] as const;
export const PUSH_SUBSCRIPTION_DEFAULT_PROPERTIES = ['id', 'deviceClientId', 'verificationCode', 'expires', 'types'];

export interface PushSubscriptionCreate {
  deviceClientId: string;
  url: string;
  keys: { p256dh: string; auth: string } | null;
  expires: Date;
  types: string[] | null;
}

const B64URL_RE = /^[A-Za-z0-9_-]+=*$/;
const TYPE_RE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

const invalid = (properties: string[], description: string): SetError =>
  setError('invalidProperties', description, { properties });

/** The expiry the server uses: the client's, or now + maxDays when absent or later (section 7.2). */
export function clampExpires(requested: Date | null, now: Date, maxDays: number): Date {
  const max = new Date(now.getTime() + maxDays * 86_400_000);
  if (requested === null || requested > max) return max;
  return requested;
}

function parseExpires(v: unknown): Date | null | SetError {
  if (v === undefined || v === null) return null;
  if (!isUtcDate(v)) return invalid(['expires'], 'expires must be a UTCDate or null.');
  return new Date(v);
}

function parseTypes(v: unknown): string[] | null | SetError {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || v.length > 64 || !v.every((t) => typeof t === 'string' && TYPE_RE.test(t))) {
    return invalid(['types'], 'types must be null or an array of type names.');
  }
  return [...new Set(v as string[])];
}

function parseKeys(v: unknown): PushSubscriptionCreate['keys'] | SetError {
  if (v === undefined || v === null) return null;
  const k = v as Record<string, unknown>;
  if (typeof v !== 'object' || Array.isArray(v) || typeof k.p256dh !== 'string' || typeof k.auth !== 'string') {
    return invalid(['keys'], 'keys must be null or {p256dh, auth}.');
  }
  if (Object.keys(k).some((key) => key !== 'p256dh' && key !== 'auth')) return invalid(['keys'], 'keys has unknown properties.');
  const p256dh = Buffer.from(k.p256dh, 'base64url');
  const auth = Buffer.from(k.auth, 'base64url');
  // RFC 8291: an uncompressed P-256 point (65 octets) and a 16-octet authentication secret.
  if (!B64URL_RE.test(k.p256dh) || p256dh.length !== 65 || p256dh[0] !== 4) {
    return invalid(['keys'], 'keys.p256dh must be an uncompressed P-256 public key in URL-safe base64.');
  }
  if (!B64URL_RE.test(k.auth) || auth.length !== 16) return invalid(['keys'], 'keys.auth must be 16 octets in URL-safe base64.');
  return { p256dh: k.p256dh, auth: k.auth };
}

const isSetError = (v: unknown): v is SetError => typeof v === 'object' && v !== null && 'type' in v;

/** Validates a create; the URL's reachability is checked separately (checkPushUrlShape and the resolver). */
export function parseCreate(obj: Record<string, unknown>, now: Date, maxDays: number): PushSubscriptionCreate | SetError {
  const known = new Set<string>(PUSH_SUBSCRIPTION_PROPERTIES);
  const unknown = Object.keys(obj).filter((k) => !known.has(k));
  if (unknown.length > 0) return invalid(unknown, `Unknown properties: ${unknown.join(', ')}.`);
  if (obj.id !== undefined) return invalid(['id'], 'id is set by the server.');
  if (obj.verificationCode !== undefined && obj.verificationCode !== null) {
    return invalid(['verificationCode'], 'verificationCode must be null when the subscription is created.');
  }
  if (typeof obj.deviceClientId !== 'string' || obj.deviceClientId.length === 0 || obj.deviceClientId.length > 255) {
    return invalid(['deviceClientId'], 'deviceClientId must be a non-empty String of at most 255 characters.');
  }
  if (typeof obj.url !== 'string') return invalid(['url'], 'url must be a String.');
  const keys = parseKeys(obj.keys);
  if (isSetError(keys)) return keys;
  const expires = parseExpires(obj.expires);
  if (isSetError(expires)) return expires;
  const types = parseTypes(obj.types);
  if (isSetError(types)) return types;
  return { deviceClientId: obj.deviceClientId, url: obj.url, keys, expires: clampExpires(expires, now, maxDays), types };
}

export interface PushSubscriptionUpdate {
  verified?: boolean;
  expires?: Date;
  types?: string[] | null;
}

/**
 * Validates an update against the stored record: only verificationCode (which must match: a wrong one is
 * invalidProperties, section 7.2.2), expires (clamped) and types may change.
 */
export function parseUpdate(
  current: PushSubscriptionRecord,
  patch: Record<string, unknown>,
  now: Date,
  maxDays: number,
): PushSubscriptionUpdate | SetError {
  const out: PushSubscriptionUpdate = {};
  for (const [key, value] of Object.entries(patch)) {
    switch (key) {
      case 'verificationCode':
        if (value !== current.verificationCode) return invalid(['verificationCode'], 'The verification code does not match.');
        out.verified = true;
        break;
      case 'expires': {
        const expires = parseExpires(value);
        if (isSetError(expires)) return expires;
        out.expires = clampExpires(expires, now, maxDays);
        break;
      }
      case 'types': {
        const types = parseTypes(value);
        if (isSetError(types)) return types;
        out.types = types;
        break;
      }
      case 'id':
      case 'deviceClientId':
      case 'url':
      case 'keys': {
        const same = key === 'keys' ? JSON.stringify(value) === JSON.stringify(current.keys) : value === current[key];
        if (!same) return invalid([key], `${key} is immutable.`);
        break;
      }
      default:
        return invalid([key], `Unknown property ${key}.`);
    }
  }
  return out;
}

/** The object /get returns, with the requested properties (url and keys are refused before this). */
export function toPushSubscriptionObject(r: PushSubscriptionRecord): Record<string, unknown> {
  return {
    id: r.id,
    deviceClientId: r.deviceClientId,
    verificationCode: r.verified ? r.verificationCode : null,
    expires: r.expires.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    types: r.types,
    url: r.url,
    keys: r.keys,
  };
}

export { isSetError };
