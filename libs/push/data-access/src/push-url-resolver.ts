/**
 * Resolving a push URL's host under the SSRF policy of @jmap/push-domain: every address the name resolves to
 * must be public unless the host is allow-listed. `guardedLookup` is the same check as a `lookup` function for
 * node:http, so the connection goes to an address that was checked (no DNS rebinding between check and use).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { checkPushUrlShape, hostOf, isPublicAddress, type PushUrlPolicy } from '@jmap/push-domain';

export class PushUrlRefused extends Error {}

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    dnsLookup(host, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });
}

/** Checks a URL for a PushSubscription: its shape, and that its host resolves to allowed addresses only. */
export async function checkPushUrl(raw: string, policy: PushUrlPolicy): Promise<{ ok: true } | { ok: false; reason: string }> {
  const shape = checkPushUrlShape(raw, policy);
  if (!shape.ok) return shape;
  if (shape.allowListed) return { ok: true };
  const host = hostOf(shape.url);
  if (isIP(host) !== 0) return { ok: true };
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host);
  } catch {
    return { ok: false, reason: `url host ${host} does not resolve` };
  }
  if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) {
    return { ok: false, reason: 'url resolves to a loopback, private or link-local address' };
  }
  return { ok: true };
}

/** A node:http `lookup` that refuses non-public addresses for hosts that are not allow-listed. */
export function guardedLookup(policy: PushUrlPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    dnsLookup(host, { ...options, all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as LookupAddress[];
      const usable = policy.allowedHosts.has(host) ? list : list.filter((a) => isPublicAddress(a.address));
      if (usable.length === 0 || usable.length !== list.length) {
        return callback(new PushUrlRefused(`${host} resolves to a non-public address`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      callback(null, usable[0].address, usable[0].family);
    });
  };
}
