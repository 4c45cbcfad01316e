/**
 * Credentials are stored only as argon2id hashes (a slow, memory-hard KDF). The parameters below cost about
 * 20-40 ms per verification on one core: too slow for guessing at scale, and the gateway caches successful
 * verifications (keyed by a SHA-256 of the credential) so a client's every request does not pay it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { base32 } from '@jmap/event-store';

const PARAMS = { algorithm: 2 /* Argon2id (a const enum in the typings) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashSecret(secret: string): Promise<string> {
  return hash(secret, PARAMS);
}

export async function verifySecret(hashed: string, secret: string): Promise<boolean> {
  try {
    return await verify(hashed, secret);
  } catch {
    return false;
  }
}

export function randomId(prefix: string, bytes = 10): string {
  return prefix + base32(randomBytes(bytes), Math.ceil((bytes * 8) / 5));
}

/** A random password of letters and digits for generated credentials (demo account, resets). */
export function generatePassword(length = 20): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
