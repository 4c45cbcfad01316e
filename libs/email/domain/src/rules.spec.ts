/**
 * The small pure rules of the email domain: keywords (RFC 8621 4.1.1), threading ids, dates, the mailbox count
 * deltas (RFC 8621 section 2) and the emails leaving destroyed mailboxes.
 */
import { describe, expect, it } from 'vitest';
import { receivedHeaderDate, toUtcDate } from './dates.js';
import { isUnread, isValidKeyword, parseKeywordSet } from './keywords.js';
import { countDeltas } from './mailbox-counts.js';
import { decideRemoveMailboxes } from './mailbox-removal.decider.js';
import { cutUtf8, storable } from './message-facts.js';
import { MAX_THREADING_IDS, chooseThread, threadingIds } from './threading.js';

describe('keywords (RFC 8621 4.1.1)', () => {
  it('given a keyword set object, when parsed, then the keywords are lowercased and deduplicated', () => {
    expect(parseKeywordSet({ $Seen: true, $seen: true, Custom_Flag: true })).toEqual([
      '$seen',
      'custom_flag',
    ]);
    expect(parseKeywordSet({})).toEqual([]);
  });

  it('given a forbidden character, a space, a non-ASCII character or a length over 255, then the keyword is invalid', () => {
    for (const bad of [
      'a b',
      'a(b',
      'a)b',
      'a{b',
      'a]b',
      'a%b',
      'a*b',
      'a"b',
      'a\\b',
      'ü',
      '',
      'x'.repeat(256),
    ]) {
      expect(isValidKeyword(bad), bad).toBe(false);
    }
    expect(isValidKeyword('x'.repeat(255))).toBe(true);
    expect(isValidKeyword('$Forwarded')).toBe(true);
  });

  it('given a value that is not true or a set that is not an object, then the keyword set is invalid', () => {
    expect(parseKeywordSet({ $seen: false })).toBeNull();
    expect(parseKeywordSet(['$seen'])).toBeNull();
    expect(parseKeywordSet(null)).toBeNull();
    expect(parseKeywordSet({ 'a b': true })).toBeNull();
  });

  it('given $seen or $draft, then the email does not count as unread', () => {
    expect(isUnread([])).toBe(true);
    expect(isUnread(['$flagged'])).toBe(true);
    expect(isUnread(['$seen'])).toBe(false);
    expect(isUnread(['$draft'])).toBe(false);
  });
});

describe('dates', () => {
  it('given a time, when written as a UTCDate, then UTC with fractional seconds only when not zero', () => {
    expect(toUtcDate('2025-01-06T09:30:00+01:00')).toBe('2025-01-06T08:30:00Z');
    expect(toUtcDate('2025-01-06T08:30:00.250Z')).toBe('2025-01-06T08:30:00.250Z');
    expect(toUtcDate('0000-01-01T00:00:00Z')).toBeNull();
    expect(toUtcDate('nope')).toBeNull();
  });

  it('given the first and last instants of the years 1 to 9999 (as text, Date or epoch ms), then their UTCDate, and null just outside', () => {
    const first = Date.parse('0001-01-01T00:00:00Z');
    const last = Date.parse('9999-12-31T23:59:59.999Z');
    for (const v of ['0001-01-01T00:00:00Z', new Date(first), first])
      expect(toUtcDate(v)).toBe('0001-01-01T00:00:00Z');
    for (const v of ['9999-12-31T23:59:59.999Z', new Date(last), last])
      expect(toUtcDate(v)).toBe('9999-12-31T23:59:59.999Z');
    expect(toUtcDate(first - 1)).toBeNull();
    expect(toUtcDate(last + 1)).toBeNull();
    expect(toUtcDate(Date.parse('2025-01-06T08:30:01Z'))).toBe('2025-01-06T08:30:01Z');
    expect(toUtcDate(Date.parse('1969-12-31T23:59:59.500Z'))).toBe('1969-12-31T23:59:59.500Z');
  });

  it('given Received fields, then the default receivedAt is the date of the first (newest) one that parses', () => {
    const headers = [
      { name: 'Received', value: ' from a by b; garbage' },
      {
        name: 'Received',
        value: ' from mx by mail.example.org with ESMTP id 1;\r\n Tue, 7 Jan 2025 10:00:00 +0100',
      },
      { name: 'Received', value: ' from x by mx; Mon, 6 Jan 2025 09:00:00 +0000' },
    ];
    expect(receivedHeaderDate(headers)).toBe('2025-01-07T09:00:00Z');
    expect(receivedHeaderDate([{ name: 'Subject', value: ' x' }])).toBeNull();
  });
});

describe('threading ids and the thread choice', () => {
  it('given Message-ID, In-Reply-To and References, then each id once, its own id marked own', () => {
    const ids = threadingIds({ messageId: ['m'], inReplyTo: ['p'], references: ['r', 'p', 'm'] });
    expect(ids).toEqual([
      { messageId: 'm', kind: 'own' },
      { messageId: 'p', kind: 'ref' },
      { messageId: 'r', kind: 'ref' },
    ]);
  });

  it('given thousands of references, then at most MAX_THREADING_IDS, keeping the root and the nearest ancestors', () => {
    const refs = Array.from({ length: 5000 }, (_, i) => `r${i}`);
    const ids = threadingIds({ messageId: ['m'], inReplyTo: null, references: refs }).map((i) => i.messageId);
    expect(ids).toHaveLength(MAX_THREADING_IDS);
    expect(ids).toContain('r0');
    expect(ids).toContain('r4999');
    expect(ids).not.toContain('r100');
  });

  it('given candidates, then only an equal base subject joins, and the earliest-received one wins', () => {
    const c = (emailId: string, threadId: string, baseSubject: string, receivedAt: string) => ({
      emailId,
      threadId,
      baseSubject,
      receivedAt,
    });
    expect(chooseThread('a', [c('E1', 'T1', 'b', '2025-01-01T00:00:00Z')])).toBeNull();
    expect(
      chooseThread('a', [
        c('E2', 'T2', 'a', '2025-01-01T00:00:00.500Z'),
        c('E1', 'T1', 'a', '2025-01-01T00:00:00Z'),
        c('E0', 'T0', 'b', '2020-01-01T00:00:00Z'),
      ]),
    ).toBe('T1');
  });
});

describe('mailbox count deltas (RFC 8621 section 2, the "simplest" unreadThreads)', () => {
  const absent = { in: false, unread: false };
  it('given the first unread email of a thread arriving, then every count moves by one', () => {
    expect(countDeltas({ emails: 0, unread: 0 }, absent, { in: true, unread: true })).toEqual({
      totalEmails: 1,
      unreadEmails: 1,
      totalThreads: 1,
      unreadThreads: 1,
    });
  });

  it('given a read email joining a thread already in the mailbox, then only totalEmails moves', () => {
    expect(countDeltas({ emails: 2, unread: 1 }, absent, { in: true, unread: false })).toEqual({
      totalEmails: 1,
      unreadEmails: 0,
      totalThreads: 0,
      unreadThreads: 0,
    });
  });

  it('given the last unread email of a thread marked $seen, then unreadEmails and unreadThreads drop', () => {
    expect(
      countDeltas({ emails: 1, unread: 0 }, { in: true, unread: true }, { in: true, unread: false }),
    ).toEqual({ totalEmails: 0, unreadEmails: -1, totalThreads: 0, unreadThreads: -1 });
  });

  it('given the last email of a thread leaving, then the thread counts drop', () => {
    expect(countDeltas({ emails: 0, unread: 0 }, { in: true, unread: true }, absent)).toEqual({
      totalEmails: -1,
      unreadEmails: -1,
      totalThreads: -1,
      unreadThreads: -1,
    });
  });
});

describe('emails leaving destroyed mailboxes', () => {
  it('given emails in a destroyed mailbox, then those also elsewhere change mailboxes and the rest are destroyed', () => {
    const events = decideRemoveMailboxes(
      [
        { id: 'E1', mailboxIds: ['m1'] },
        { id: 'E2', mailboxIds: ['m1', 'm2'] },
        { id: 'E3', mailboxIds: ['m2'] },
      ],
      ['m1'],
    );
    expect(events).toEqual([
      { type: 'EmailDestroyed', v: 1, data: { id: 'E1' } },
      { type: 'EmailMailboxesChanged', v: 1, data: { id: 'E2', mailboxIds: ['m2'] } },
    ]);
  });
});

describe('storable facts', () => {
  it('given U+0000 or lone surrogates from hostile octets, then they become U+FFFD everywhere, keys included', () => {
    expect(storable({ a: ['x\u0000y', { 'k\ud800': '\udc00z' }], n: 1, b: null })).toEqual({
      a: ['x\uFFFDy', { 'k\uFFFD': '\uFFFDz' }],
      n: 1,
      b: null,
    });
    expect(storable('ok 😀')).toBe('ok 😀');
  });

  it('given text over the bound, then it is cut on a code point boundary', () => {
    expect(cutUtf8('aé😀', 3)).toBe('aé');
    expect(cutUtf8('aé😀', 6)).toBe('aé');
    expect(cutUtf8('aé😀', 7)).toBe('aé😀');
  });
});
