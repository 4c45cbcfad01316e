import { describe, expect, it } from 'vitest';
import { applyDsn, originalMessageId, parseDeliveryStatus } from './dsn.js';

const STATUS = [
  'Reporting-MTA: dns; mx.external.test',
  'Original-Envelope-Id: S1',
  '',
  'Final-Recipient: rfc822; Carol@external.test',
  'Action: failed',
  'Status: 5.1.1',
  'Diagnostic-Code: smtp; 550 5.1.1 <carol@external.test>:',
  '  mailbox unknown',
  '',
  'Final-Recipient: rfc822; dan@external.test',
  'Action: delayed',
  'Status: 4.4.7',
  '',
].join('\r\n');

describe('DSN (RFC 3464) into DeliveryStatus (RFC 8621 7)', () => {
  it('parses the per-recipient fields, unfolding lines', () => {
    expect(parseDeliveryStatus(STATUS)).toEqual([
      {
        recipient: 'Carol@external.test',
        action: 'failed',
        status: '5.1.1',
        diagnostic: '550 5.1.1 <carol@external.test>: mailbox unknown',
      },
      { recipient: 'dan@external.test', action: 'delayed', status: '4.4.7', diagnostic: null },
    ]);
  });

  it('"failed" is delivered "no", "delivered" is "yes", anything else keeps delivered and updates smtpReply', () => {
    const current = {
      'carol@external.test': {
        smtpReply: '250 2.0.0 OK',
        delivered: 'unknown' as const,
        displayed: 'unknown' as const,
      },
      'dan@external.test': {
        smtpReply: '250 2.0.0 OK',
        delivered: 'unknown' as const,
        displayed: 'unknown' as const,
      },
    };
    expect(applyDsn(current, parseDeliveryStatus(STATUS))).toEqual({
      'carol@external.test': {
        smtpReply: '550 5.1.1 <carol@external.test>: mailbox unknown',
        delivered: 'no',
        displayed: 'unknown',
      },
      'dan@external.test': { smtpReply: '400 4.4.7 delayed', delivered: 'unknown', displayed: 'unknown' },
    });
    expect(
      applyDsn(current, [
        { recipient: 'carol@external.test', action: 'delivered', status: '2.0.0', diagnostic: null },
      ])!['carol@external.test'].delivered,
    ).toBe('yes');
    expect(
      applyDsn(current, [{ recipient: 'other@x.test', action: 'failed', status: '5.0.0', diagnostic: null }]),
    ).toBeNull();
  });

  it('finds the original Message-ID in the returned headers', () => {
    expect(originalMessageId('From: a@x\r\nMessage-ID:\r\n <orig-1@example.com>\r\nSubject: x\r\n')).toBe(
      'orig-1@example.com',
    );
    expect(originalMessageId('Subject: none\r\n')).toBeNull();
  });
});
