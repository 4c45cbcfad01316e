import { describe, expect, it } from 'vitest';
import { clampExpires, parseCreate, parseUpdate, type PushSubscriptionRecord } from './push-subscription.js';

const now = new Date('2026-01-01T00:00:00Z');
const p256dh = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url');
const auth = Buffer.alloc(16, 1).toString('base64url');

describe('PushSubscription/set rules (RFC 8620 section 7.2)', () => {
  it('accepts types: null (all types, rfc-clarifications Q20) and clamps expires to the maximum', () => {
    const c = parseCreate({ deviceClientId: 'd', url: 'https://x.example/p', types: null, expires: '2030-01-01T00:00:00Z' }, now, 7);
    expect(c).toMatchObject({ types: null, keys: null, expires: new Date('2026-01-08T00:00:00Z') });
    expect(clampExpires(new Date('2026-01-02T00:00:00Z'), now, 7)).toEqual(new Date('2026-01-02T00:00:00Z'));
  });
  it('validates keys, refuses a preset verificationCode and unknown properties', () => {
    expect(parseCreate({ deviceClientId: 'd', url: 'https://x', keys: { p256dh, auth } }, now, 7)).toMatchObject({ keys: { p256dh, auth } });
    expect(parseCreate({ deviceClientId: 'd', url: 'https://x', keys: { p256dh: auth, auth } }, now, 7)).toMatchObject({ type: 'invalidProperties', properties: ['keys'] });
    expect(parseCreate({ deviceClientId: 'd', url: 'https://x', verificationCode: 'x' }, now, 7)).toMatchObject({ properties: ['verificationCode'] });
    expect(parseCreate({ deviceClientId: 'd', url: 'https://x', colour: 1 }, now, 7)).toMatchObject({ properties: ['colour'] });
  });
  it('verifies only with the right code and keeps url and keys immutable', () => {
    const rec: PushSubscriptionRecord = { id: 'P1', deviceClientId: 'd', url: 'https://x', keys: null, verificationCode: 'abc', verified: false, expires: now, types: null };
    expect(parseUpdate(rec, { verificationCode: 'abc' }, now, 7)).toEqual({ verified: true });
    expect(parseUpdate(rec, { verificationCode: 'abd' }, now, 7)).toMatchObject({ type: 'invalidProperties' });
    expect(parseUpdate(rec, { url: 'https://y' }, now, 7)).toMatchObject({ properties: ['url'] });
    expect(parseUpdate(rec, { url: 'https://x', types: ['Email'] }, now, 7)).toEqual({ types: ['Email'] });
  });
});
