import { describe, expect, it } from 'vitest';
import { parseEnvelope } from './envelope.js';
import { querySubmissions, type SubmissionQueryRow } from './submission-query.js';

const rows: SubmissionQueryRow[] = [
  {
    id: 'S1',
    identityId: 'I1',
    emailId: 'E2',
    threadId: 'T1',
    undoStatus: 'final',
    sendAt: '2026-01-01T10:00:00Z',
  },
  {
    id: 'S2',
    identityId: 'I2',
    emailId: 'E1',
    threadId: 'T2',
    undoStatus: 'pending',
    sendAt: '2026-01-03T10:00:00Z',
  },
  {
    id: 'S3',
    identityId: 'I1',
    emailId: 'E3',
    threadId: 'T1',
    undoStatus: 'canceled',
    sendAt: '2026-01-02T10:00:00Z',
  },
];

describe('EmailSubmission/query (RFC 8621 7.3)', () => {
  it('filters on each condition and sorts by emailId, threadId and sentAt', () => {
    expect(querySubmissions(rows, { identityIds: ['I1'] }, [])).toEqual(['S1', 'S3']);
    expect(querySubmissions(rows, { emailIds: ['E1', 'E3'] }, [])).toEqual(['S2', 'S3']);
    expect(querySubmissions(rows, { threadIds: ['T2'] }, [])).toEqual(['S2']);
    expect(querySubmissions(rows, { undoStatus: 'pending' }, [])).toEqual(['S2']);
    // before: sendAt strictly before; after: the same or after.
    expect(querySubmissions(rows, { before: '2026-01-02T10:00:00Z' }, [])).toEqual(['S1']);
    expect(querySubmissions(rows, { after: '2026-01-02T10:00:00Z' }, [])).toEqual(['S2', 'S3']);
    expect(querySubmissions(rows, { operator: 'NOT', conditions: [{ undoStatus: 'final' }] }, [])).toEqual([
      'S2',
      'S3',
    ]);
    expect(querySubmissions(rows, null, [{ property: 'sentAt', isAscending: false }])).toEqual([
      'S2',
      'S3',
      'S1',
    ]);
    expect(querySubmissions(rows, null, [{ property: 'emailId', isAscending: true }])).toEqual([
      'S2',
      'S1',
      'S3',
    ]);
    expect(
      querySubmissions(rows, null, [
        { property: 'threadId', isAscending: true },
        { property: 'sentAt', isAscending: true },
      ]),
    ).toEqual(['S1', 'S3', 'S2']);
  });

  it('an Envelope must have exactly mailFrom and rcptTo Address objects', () => {
    expect(
      parseEnvelope({
        mailFrom: { email: 'a@x.org' },
        rcptTo: [{ email: 'b@x.org', parameters: { NOTIFY: 'NEVER' } }],
      }),
    ).toEqual({
      mailFrom: { email: 'a@x.org', parameters: null },
      rcptTo: [{ email: 'b@x.org', parameters: { NOTIFY: 'NEVER' } }],
    });
    expect(parseEnvelope({ mailFrom: 'a@x.org', rcptTo: [] })).toBeNull();
    expect(parseEnvelope({ mailFrom: { email: 'a@x.org' }, rcptTo: [], extra: 1 })).toBeNull();
  });
});
