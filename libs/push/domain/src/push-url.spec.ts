import { describe, expect, it } from 'vitest';
import { checkPushUrlShape, isPublicAddress } from './push-url.js';

const none = { allowedHosts: new Set<string>() };

describe('isPublicAddress (SSRF guard)', () => {
  it.each(['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fc00::1', 'fd12::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::a00:1', 'ff02::1', '2001:db8::1'])(
    'refuses %s',
    (a) => expect(isPublicAddress(a)).toBe(false),
  );
  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('accepts %s', (a) => expect(isPublicAddress(a)).toBe(true));
  it('refuses what is not an address', () => expect(isPublicAddress('example.com')).toBe(false));
});

describe('checkPushUrlShape', () => {
  it('wants https and no credentials', () => {
    expect(checkPushUrlShape('https://push.example.com/x', none)).toMatchObject({ ok: true, allowListed: false });
    expect(checkPushUrlShape('http://push.example.com/x', none)).toMatchObject({ ok: false });
    expect(checkPushUrlShape('https://u:p@push.example.com/x', none)).toMatchObject({ ok: false });
    expect(checkPushUrlShape('not a url', none)).toMatchObject({ ok: false });
  });
  it('refuses private literals unless the host is allow-listed, which may also use http', () => {
    expect(checkPushUrlShape('https://10.0.0.8/x', none)).toMatchObject({ ok: false });
    expect(checkPushUrlShape('https://[::1]/x', none)).toMatchObject({ ok: false });
    const allowed = { allowedHosts: new Set(['10.0.0.8', 'relay.internal']) };
    expect(checkPushUrlShape('http://10.0.0.8:8080/x', allowed)).toMatchObject({ ok: true, allowListed: true });
    expect(checkPushUrlShape('http://relay.internal/x', allowed)).toMatchObject({ ok: true, allowListed: true });
  });
});
