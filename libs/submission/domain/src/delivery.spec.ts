import { describe, expect, it } from 'vitest';
import {
  foldSmtpReply,
  outcomeOfReply,
  pendingRecipients,
  retryDelayMs,
  statusAfter,
  withoutBcc,
} from './delivery.js';

describe('delivery outcomes (RFC 8621 7 DeliveryStatus)', () => {
  it('folds a multi-line SMTP reply as section 7 describes', () => {
    expect(
      foldSmtpReply('550-5.7.1 Our system has detected that this message is\r\n550 5.7.1 likely spam.'),
    ).toBe('550 5.7.1 Our system has detected that this message is likely spam.');
  });

  it('2xx relayed is "unknown", local is "yes", 5xx "no", 4xx stays "queued" until attempts run out', () => {
    expect(statusAfter(outcomeOfReply(250, '250 2.0.0 OK'), false)).toEqual({
      smtpReply: '250 2.0.0 OK',
      delivered: 'unknown',
      displayed: 'unknown',
    });
    expect(statusAfter({ kind: 'delivered', smtpReply: '250 2.1.5 ok', local: true }, false).delivered).toBe(
      'yes',
    );
    expect(statusAfter(outcomeOfReply(550, '550 5.1.1 No such user'), false)).toMatchObject({
      delivered: 'no',
      smtpReply: '550 5.1.1 No such user',
    });
    expect(statusAfter(outcomeOfReply(451, '451 4.3.0 later'), false).delivered).toBe('queued');
    expect(statusAfter(outcomeOfReply(451, '451 4.3.0 later'), true).delivered).toBe('no');
    expect(outcomeOfReply(undefined, '').kind).toBe('transient');
  });

  it('retries only the queued recipients, with bounded exponential backoff', () => {
    expect(
      pendingRecipients({
        'a@x': { smtpReply: '', delivered: 'queued', displayed: 'unknown' },
        'b@x': { smtpReply: '', delivered: 'yes', displayed: 'unknown' },
      }),
    ).toEqual(['a@x']);
    expect([1, 2, 3, 4, 10].map((n) => retryDelayMs(n, 100, 500))).toEqual([100, 200, 400, 500, 500]);
  });

  it('removes Bcc fields with their continuation lines and nothing else (RFC 8621 7.5)', () => {
    const raw = Buffer.from(
      'From: a@x\r\nBcc: secret@x,\r\n  other@x\r\nTo: b@x\r\nbcc:more@x\r\n\r\nBcc: in the body stays\r\n',
    );
    expect(withoutBcc(raw).toString()).toBe('From: a@x\r\nTo: b@x\r\n\r\nBcc: in the body stays\r\n');
    const none = Buffer.from('From: a@x\r\n\r\nbody');
    expect(withoutBcc(none)).toBe(none);
  });
});
