import { describe, expect, it } from 'vitest';
import { base32, IdGenerator } from './ids.js';

/** new IdGenerator('acct-1', 'cmd-1').next('M') as of the first release. */
const GOLDEN = 'Mfx7g7qeo2qiahxnmihsh';

describe('IdGenerator', () => {
  it('yields the same ids for the same account and command id, in the same order', () => {
    // Invariant 3: handling the same command again (redelivery, retry) must create the same objects.
    const a = new IdGenerator('acct-1', 'cmd-1');
    const b = new IdGenerator('acct-1', 'cmd-1');
    const first = [a.next('M'), a.next('E'), a.next('E')];
    expect([b.next('M'), b.next('E'), b.next('E')]).toEqual(first);
    expect(new Set(first.map((id) => id.slice(1))).size).toBe(3);
  });

  it('yields different ids for another command id or another account', () => {
    const base = new IdGenerator('acct-1', 'cmd-1').next('E');
    expect(new IdGenerator('acct-1', 'cmd-2').next('E')).not.toBe(base);
    expect(new IdGenerator('acct-2', 'cmd-1').next('E')).not.toBe(base);
    // The separator keeps ("a", "bc") and ("ab", "c") apart.
    expect(new IdGenerator('a', 'bc').next('E')).not.toBe(new IdGenerator('ab', 'c').next('E'));
  });

  it('yields JMAP ids: the prefix and 20 base32 characters', () => {
    // RFC 8620 section 1.2: Ids are 1-255 characters of [A-Za-z0-9_-].
    const ids = new IdGenerator('acct', 'cmd');
    for (let i = 0; i < 50; i++) expect(ids.next('T')).toMatch(/^T[a-z2-7]{20}$/);
  });

  it('keeps the derivation stable across releases', () => {
    // Ids are stored in events; a changed derivation would give a redelivered command other ids than its first run.
    expect(new IdGenerator('acct-1', 'cmd-1').next('M')).toBe(GOLDEN);
  });
});

describe('base32', () => {
  it('encodes RFC 4648 test vectors (lower case, whole 5-bit groups only)', () => {
    const enc = (s: string, n: number) => base32(new TextEncoder().encode(s), n);
    expect(enc('fooba', 8)).toBe('mzxw6ytb');
    expect(enc('foobar', 8)).toBe('mzxw6ytb');
    expect(enc('fooba', 4)).toBe('mzxw');
    expect(enc('f', 8)).toBe('m');
    expect(base32(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]), 8)).toBe('77777777');
  });
});
