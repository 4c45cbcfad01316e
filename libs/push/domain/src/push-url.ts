/**
 * Server-side request forgery guard for PushSubscription URLs (RFC 8620 section 8.6: "The server MUST ensure the
 * URL is externally resolvable"). A URL must be https (section 7.2) and every address its host resolves to must
 * be a public unicast address: loopback, private, shared, link-local, multicast, reserved, documentation and the
 * IPv4-in-IPv6 forms of those are refused. An operator's allow-list (PUSH_ALLOWED_HOSTS) names hosts that may
 * resolve to such addresses and may use plain http (an in-cluster push relay; the tests' receiver).
 *
 * The check runs twice: when the subscription is created (to refuse it at once, rfc-clarifications Q21) and on
 * every connection the push service opens (a DNS answer may change between the two: rebinding).
 */
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True when `address` (an IP literal) is a public unicast address a push may be sent to. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 4) return !blocked.check(address, 'ipv4');
  const lower = address.toLowerCase();
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms carry an IPv4 address: judge that one.
  const mapped = /^(?:0*:)*:?(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isPublicAddress(mapped[1]);
  const hexMapped = /^(?:0*:)*:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped) {
    const hi = parseInt(hexMapped[1], 16);
    const lo = parseInt(hexMapped[2], 16);
    return isPublicAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
  }
  return !blocked.check(address, 'ipv6');
}

export interface PushUrlPolicy {
  /** Lowercased host names or IP literals allowed to be private and to use http. */
  readonly allowedHosts: ReadonlySet<string>;
}

export type PushUrlCheck = { ok: true; url: URL; allowListed: boolean } | { ok: false; reason: string };

/** The URL's own shape (scheme, host, no credentials); the addresses are checked after resolving. */
export function checkPushUrlShape(raw: string, policy: PushUrlPolicy): PushUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'url is not an absolute URL' };
  }
  if (raw.length > 2048) return { ok: false, reason: 'url is longer than 2048 characters' };
  if (url.username || url.password) return { ok: false, reason: 'url may not contain credentials' };
  const host = hostOf(url);
  const allowListed = policy.allowedHosts.has(host);
  if (url.protocol !== 'https:' && !(allowListed && url.protocol === 'http:')) {
    return { ok: false, reason: 'url must begin with "https://" (RFC 8620 section 7.2)' };
  }
  if (!allowListed && isIP(host) !== 0 && !isPublicAddress(host)) {
    return { ok: false, reason: 'url names a loopback, private or link-local address' };
  }
  return { ok: true, url, allowListed };
}

/** The URL's host without IPv6 brackets, lowercased. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}
