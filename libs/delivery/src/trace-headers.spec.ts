/**
 * Trace fields (RFC 5321 section 4.4), reply mapping (RFC 2033 section 4.2) and address handling of inbound
 * delivery.
 */
import { describe, expect, it } from 'vitest';
import { replyFor, smtpReplyFor } from './delivery-listeners.js';
import { baseAddress, normaliseAddress } from './local-delivery.js';
import { lineEnding, rfc5322Date, traceFields, withTraceFields } from './trace-headers.js';

const AT = new Date('2026-11-26T03:04:05Z');

describe('trace fields (RFC 5321 4.4)', () => {
  it('RFC 5322 3.3 date-time in UTC', () => {
    expect(rfc5322Date(AT)).toBe('Thu, 26 Nov 2026 03:04:05 +0000');
  });

  it('Delivered-To and a folded Received with from, by, with, id and for', () => {
    const f = traceFields(
      {
        clientName: 'mx.example.net',
        clientAddress: '192.0.2.7',
        localName: 'store.example',
        protocol: 'LMTP',
        id: 'abc123',
        recipient: 'ida@example.com',
        at: AT,
      },
      '\r\n',
    );
    expect(f).toBe(
      'Delivered-To: ida@example.com\r\n' +
        'Received: from mx.example.net ([192.0.2.7])\r\n\tby store.example (jmap-store)\r\n\twith LMTP id abc123\r\n\tfor <ida@example.com>; Thu, 26 Nov 2026 03:04:05 +0000\r\n',
    );
  });

  it('nothing a client sends can break out of the field (no CR/LF, no angle brackets)', () => {
    const f = traceFields(
      {
        clientName: 'evil\r\nBcc: x@example.com',
        localName: 'h',
        protocol: 'LMTP',
        id: '1',
        recipient: 'a@b.example>\r\nX: y',
        at: AT,
      },
      '\r\n',
    );
    expect(
      f
        .split('\r\n')
        .filter((l) => l !== '' && !l.startsWith('\t'))
        .map((l) => l.split(':')[0]),
    ).toEqual(['Delivered-To', 'Received']);
  });

  it('keeps the line ending of the message and prepends to the octets as received', () => {
    const lf = Buffer.from('Subject: x\n\nbody\n');
    const crlf = Buffer.from('Subject: x\r\n\r\nbody\r\n');
    expect(lineEnding(lf)).toBe('\n');
    expect(lineEnding(crlf)).toBe('\r\n');
    const out = withTraceFields(crlf, {
      localName: 'h',
      protocol: 'LMTP',
      id: '1',
      recipient: 'a@b.example',
      at: AT,
    });
    expect(out.subarray(out.length - crlf.length).equals(crlf)).toBe(true);
    expect(
      out
        .toString()
        .startsWith('Delivered-To: a@b.example\r\nReceived: by h (jmap-store)\r\n\twith LMTP id 1'),
    ).toBe(true);
  });
});

describe('replies (RFC 2033 4.2, RFC 3463 enhanced codes)', () => {
  const r = (status: 'delivered' | 'duplicate' | 'unknown' | 'unavailable' | 'tooLarge') => ({
    recipient: 'a@b.example',
    status,
    message: 'm',
  });
  it('250 for delivered and duplicate, 550 unknown, 552 too large, 452 unavailable', () => {
    expect(replyFor(r('delivered'))).toMatch(/^2\.0\.0 /);
    expect(replyFor(r('duplicate'))).toMatch(/^2\.0\.0 /);
    expect(replyFor(r('unknown'))).toMatchObject({ responseCode: 550 });
    expect(replyFor(r('tooLarge'))).toMatchObject({ responseCode: 552 });
    expect(replyFor(r('unavailable'))).toMatchObject({ responseCode: 452 });
  });
  it('SMTP: one reply, success only when every recipient succeeded', () => {
    expect(typeof smtpReplyFor([r('delivered'), r('duplicate')])).toBe('string');
    expect(smtpReplyFor([r('delivered'), r('unavailable')])).toMatchObject({ responseCode: 452 });
  });
});

describe('addresses', () => {
  it('normalises envelope addresses and strips a +tag (RFC 5233)', () => {
    expect(normaliseAddress(' <Ida@Example.COM> ')).toBe('ida@example.com');
    expect(baseAddress('ida+lists@example.com')).toBe('ida@example.com');
    expect(baseAddress('ida@example.com')).toBeNull();
    expect(baseAddress('+x@example.com')).toBeNull();
  });
});
