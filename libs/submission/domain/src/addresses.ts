/**
 * Address rules of submission: an RFC 5321 Mailbox for MAIL FROM / RCPT TO (dot-atom or quoted local part @
 * a domain or address literal), bounded to the RFC 5321 4.5.3.1 sizes.
 */

const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const DOT_ATOM = `${ATEXT}+(?:\\.${ATEXT}+)*`;
const QUOTED = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*"';
const LABEL = '[A-Za-z0-9\\u0080-\\uffff](?:[A-Za-z0-9\\u0080-\\uffff-]*[A-Za-z0-9\\u0080-\\uffff])?';
const DOMAIN = `${LABEL}(?:\\.${LABEL})+`;
const LITERAL = '\\[[\\x21-\\x5a\\x5e-\\x7e]+\\]';
const MAILBOX_RE = new RegExp(`^(?:${DOT_ATOM}|${QUOTED})@(?:${DOMAIN}|${LITERAL})$`);

/** True for an address we can give to RCPT TO (RFC 5321 4.1.2 Mailbox, 64-octet local part, 254 overall). */
export function isSendableAddress(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  return MAILBOX_RE.test(address);
}

/** Lowercases the domain (local parts are case-sensitive in principle; we compare them case-insensitively). */
export function addressKey(address: string): string {
  return address.trim().toLowerCase();
}

export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
