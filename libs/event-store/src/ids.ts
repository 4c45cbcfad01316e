import { createHash } from 'node:crypto';

/**
 * Deterministic ids for objects a command creates: derived from the account, the command id and a counter,
 * so that handling the same command again (redelivery, retry) yields the same ids (invariant 3), and deciders
 * stay pure (ids come in through the command's metadata). 20 base32 characters carry 100 bits, far beyond
 * collision range for one account; JMAP Ids allow [A-Za-z0-9_-] (RFC 8620 section 1.2).
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= length) break;
  }
  return out;
}

export class IdGenerator {
  private counter = 0;
  constructor(
    private readonly accountId: string,
    private readonly commandId: string,
  ) {}

  /** Next id, with a one-letter prefix naming the object kind (M mailbox, E email, T thread ...). */
  next(prefix: string): string {
    const h = createHash('sha256')
      .update(`${this.accountId}\u0000${this.commandId}\u0000${this.counter++}`)
      .digest();
    return prefix + base32(h, 20);
  }
}
