import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VACATION,
  applyVacationPatch,
  composeVacationReply,
  vacationVerdict,
  type InboundFacts,
} from './vacation.js';

const on = { ...DEFAULT_VACATION, isEnabled: true, subject: 'Away', textBody: 'Back Monday.' };
const mail = (o: Partial<InboundFacts> = {}): InboundFacts => ({
  mailFrom: 'carol@example.net',
  headers: [{ name: 'From', value: 'carol@example.net' }],
  subject: 'Hello',
  messageId: ['m1@example.net'],
  references: null,
  receivedAt: new Date('2026-02-01T12:00:00Z'),
  ...o,
});
const own = new Set(['alice@example.com']);
const WEEK = 7 * 86_400_000;

describe('vacation responder rules (RFC 8621 8, RFC 3834 section 2)', () => {
  it('replies to an ordinary message when enabled and in the window', () => {
    expect(vacationVerdict(on, mail(), own, null, WEEK)).toEqual({ reply: true, to: 'carol@example.net' });
    expect(vacationVerdict(DEFAULT_VACATION, mail(), own, null, WEEK).reply).toBe(false);
    expect(vacationVerdict({ ...on, fromDate: '2026-02-02T00:00:00Z' }, mail(), own, null, WEEK).reply).toBe(
      false,
    );
    expect(vacationVerdict({ ...on, toDate: '2026-02-01T12:00:00Z' }, mail(), own, null, WEEK).reply).toBe(
      false,
    );
  });

  it('never replies to the null sender, auto-submitted mail, lists, bulk, robots or the account itself', () => {
    const cases: Array<Partial<InboundFacts>> = [
      { mailFrom: null },
      { mailFrom: '' },
      { headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }] },
      { headers: [{ name: 'List-Id', value: '<list.example.net>' }] },
      { headers: [{ name: 'Precedence', value: 'bulk' }] },
      { headers: [{ name: 'Precedence', value: 'junk' }] },
      { mailFrom: 'owner-list@example.net' },
      { mailFrom: 'MAILER-DAEMON@example.net' },
      { mailFrom: 'Alice@example.com' },
    ];
    for (const c of cases)
      expect(vacationVerdict(on, mail(c), own, null, WEEK).reply, JSON.stringify(c)).toBe(false);
    expect(
      vacationVerdict(on, mail({ headers: [{ name: 'Auto-Submitted', value: 'no' }] }), own, null, WEEK)
        .reply,
    ).toBe(true);
  });

  it('once per sender per period', () => {
    expect(vacationVerdict(on, mail(), own, new Date('2026-01-30T12:00:00Z'), WEEK).reply).toBe(false);
    expect(vacationVerdict(on, mail(), own, new Date('2026-01-20T12:00:00Z'), WEEK).reply).toBe(true);
  });

  it('the reply is auto-replied with In-Reply-To and References (RFC 3834 section 3)', () => {
    const raw = composeVacationReply({
      v: on,
      from: 'alice@example.com',
      to: 'carol@example.net',
      original: mail(),
      messageId: 'r1@example.com',
      now: new Date('2026-02-01T12:00:01Z'),
    }).toString();
    expect(raw).toContain('Auto-Submitted: auto-replied\r\n');
    expect(raw).toContain('In-Reply-To: <m1@example.net>\r\n');
    expect(raw).toContain('References: <m1@example.net>\r\n');
    expect(raw).toContain('Subject: Away\r\n');
    expect(raw).toContain(Buffer.from('Back Monday.').toString('base64'));
  });

  it('patch validation', () => {
    expect(
      applyVacationPatch(DEFAULT_VACATION, { isEnabled: true, fromDate: '2026-01-01T00:00:00Z' }),
    ).toMatchObject({ isEnabled: true, fromDate: '2026-01-01T00:00:00Z' });
    expect(
      applyVacationPatch(DEFAULT_VACATION, { isEnabled: 'yes', fromDate: '2026-01-01', color: 1 }),
    ).toEqual({ invalid: ['isEnabled', 'fromDate', 'color'] });
  });
});
