import { describe, expect, it } from 'vitest';
import { parseDate } from './date.js';
import { isHeaderFormAllowed } from './header-form-rules.js';
import { asMessageIds, asText, asUrls, headerAs } from './header-forms.js';
import { parse } from './spec-helpers.js';

describe('RFC 8621 4.1.2.1 Raw form and 4.1.3 headers', () => {
  const msg = parse('Subject:  two spaces\nX-Folded: a\n b\nsubject: again\n\nbody');

  it('keeps the value from after the colon to before the final CRLF, folding included', () => {
    expect(msg.headers).toEqual([
      { name: 'Subject', value: '  two spaces' },
      { name: 'X-Folded', value: ' a\r\n b' },
      { name: 'subject', value: ' again' },
    ]);
  });

  it('header:{name} is the last instance, matched case-insensitively; null if none', () => {
    expect(headerAs(msg.headers, 'SUBJECT', 'Raw', false)).toBe(' again');
    expect(headerAs(msg.headers, 'X-Missing', 'Raw', false)).toBeNull();
  });

  it(':all gives every instance in message order, or [] if none', () => {
    expect(headerAs(msg.headers, 'subject', 'Text', true)).toEqual(['two spaces', 'again']);
    expect(headerAs(msg.headers, 'X-Missing', 'Addresses', true)).toEqual([]);
  });
});

describe('RFC 8621 4.1.2.2 Text form', () => {
  it('unfolds, removes leading SP, decodes encoded words and normalises to NFC', () => {
    expect(asText(' Hello\r\n =?utf-8?q?W=C3=B6rld?=')).toBe('Hello Wörld');
    expect(asText(' e\u0301')).toBe('\u00e9');
  });

  it('does not decode text that violates RFC 2047 placement or white space rules', () => {
    expect(asText(' word=?utf-8?q?x?= (=?utf-8?q?y?=)')).toBe('word=?utf-8?q?x?= (=?utf-8?q?y?=)');
  });

  it('drops control characters that encoded words carry', () => {
    expect(asText(' =?utf-8?q?a=00b=07c=0Ad?=')).toBe('abcd');
  });
});

describe('RFC 8621 4.1.2.5 MessageIds form', () => {
  it('removes CFWS and angle brackets', () => {
    expect(asMessageIds(' (c) <a@b>\r\n <c@d> (x)')).toEqual(['a@b', 'c@d']);
  });

  it('skips phrases around ids (RFC 5322 obs-in-reply-to)', () => {
    expect(asMessageIds(' Your message of Monday <a@b>')).toEqual(['a@b']);
  });

  it('is null when parsing fails', () => {
    expect(asMessageIds(' ')).toBeNull();
    expect(asMessageIds(' not an id')).toBeNull();
    expect(asMessageIds(' <unclosed@x')).toBeNull();
  });

  it('accepts one bare id with "@" (best effort)', () => {
    expect(asMessageIds(' bare@example.com')).toEqual(['bare@example.com']);
  });
});

describe('RFC 8621 4.1.2.6 Date form', () => {
  it('gives an RFC 3339 date-time keeping the offset', () => {
    expect(parseDate(' Tue, 1 Jul 2003 10:52:37 +0200')).toBe('2003-07-01T10:52:37+02:00');
    expect(parseDate(' 1 Jul 2003 10:52 -0330')).toBe('2003-07-01T10:52:00-03:30');
    expect(parseDate(' Tue, 1 Jul 2003 10:52:37 +0000 (UTC)')).toBe('2003-07-01T10:52:37Z');
  });

  it('reads the RFC 5322 4.3 obsolete forms: two-digit years and named zones', () => {
    expect(parseDate(' Fri, 21 Nov 97 09:55:06 GMT')).toBe('1997-11-21T09:55:06Z');
    expect(parseDate(' 21 Nov 49 09:55:06 EST')).toBe('2049-11-21T09:55:06-05:00');
    expect(parseDate(' 21 Nov 2024 09:55:06 PDT')).toBe('2024-11-21T09:55:06-07:00');
  });

  it('is null when parsing fails', () => {
    for (const bad of [
      ' yesterday',
      ' 31 Feb 2024 10:00:00 +0000',
      ' 1 Jan 2024 25:00:00 +0000',
      ' 1 Foo 2024 10:00 +0000',
      ' 1 Jan 2024 10:00',
    ]) {
      expect(parseDate(bad)).toBeNull();
    }
  });
});

describe('RFC 8621 4.1.2.7 URLs form', () => {
  it('takes the bracketed URLs without comments or white space', () => {
    expect(asUrls(' <mailto:a@b?subject=x>, (comment <not-this>)\r\n <https://x.example/\r\n y>')).toEqual([
      'mailto:a@b?subject=x',
      'https://x.example/y',
    ]);
  });

  it('is null when there is no URL', () => {
    expect(asUrls(' NO (posting not allowed)')).toBeNull();
  });
});

describe('RFC 8621 4.1.2 which forms each header field allows', () => {
  it('allows Raw for everything and each parsed form only for its fields or unknown fields', () => {
    expect(isHeaderFormAllowed('Received', 'Raw')).toBe(true);
    expect(isHeaderFormAllowed('From', 'Date')).toBe(false);
    expect(isHeaderFormAllowed('Subject', 'Text')).toBe(true);
    expect(isHeaderFormAllowed('From', 'Text')).toBe(false);
    expect(isHeaderFormAllowed('Resent-Reply-To', 'GroupedAddresses')).toBe(true);
    expect(isHeaderFormAllowed('List-Post', 'URLs')).toBe(true);
    expect(isHeaderFormAllowed('Message-ID', 'Addresses')).toBe(false);
    expect(isHeaderFormAllowed('X-Custom', 'Date')).toBe(true);
    expect(isHeaderFormAllowed('List-Id', 'Text')).toBe(true);
  });
});
