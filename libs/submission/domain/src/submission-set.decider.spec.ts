import { describe, expect, it } from 'vitest';
import type { EmailSubmissionSetPayload } from '@jmap/submission-contracts';
import {
  decideSubmissionSet,
  identityAllows,
  type EmailToSend,
  type SubmissionSetInput,
} from './submission-set.decider.js';

const now = new Date('2026-01-10T10:00:00Z');
const facts = (o: Partial<EmailToSend['facts']> = {}): EmailToSend['facts'] => ({
  headers: [
    { name: 'From', value: 'Alice <alice@example.com>' },
    { name: 'To', value: 'bob@example.com' },
  ],
  sender: null,
  from: [{ name: 'Alice', email: 'alice@example.com' }],
  to: [{ name: null, email: 'bob@example.com' }],
  cc: null,
  bcc: null,
  ...o,
});

function input(
  create: Record<string, Record<string, unknown>>,
  o: Partial<SubmissionSetInput> = {},
  limits: Partial<EmailSubmissionSetPayload['limits']> = {},
): SubmissionSetInput {
  let n = 0;
  return {
    payload: {
      ifInState: null,
      create,
      update: {},
      destroy: [],
      createdIds: {},
      limits: { maxDelayedSend: 3600, maxRecipients: 3, maxPerDay: 10, ...limits },
    },
    state: '0',
    now,
    emails: new Map([['E1', { threadId: 'T1', blobId: 'Gabc', size: 100, facts: facts() }]]),
    identities: new Map([['I1', { id: 'I1', email: 'alice@example.com' }]]),
    submissions: new Map(),
    sentLastDay: 0,
    maxSize: 1000,
    newId: () => `S${++n}`,
    ...o,
  };
}

const one = (r: ReturnType<typeof decideSubmissionSet>) => r.notCreated.k;

describe('EmailSubmission/set create (RFC 8621 7.5)', () => {
  it('derives the envelope from From and To/Cc/Bcc, deduplicated (RFC 8621 7 envelope)', () => {
    const emails = new Map([
      [
        'E1',
        {
          threadId: 'T1',
          blobId: 'Gabc',
          size: 100,
          facts: facts({
            cc: [{ name: null, email: 'BOB@example.com' }],
            bcc: [{ name: null, email: 'carol@example.net' }],
          }),
        },
      ],
    ]);
    const r = decideSubmissionSet(input({ k: { identityId: 'I1', emailId: 'E1' } }, { emails }));
    expect(r.notCreated).toEqual({});
    const created = r.events[0];
    expect(created.type).toBe('EmailSubmissionCreated');
    if (created.type !== 'EmailSubmissionCreated') return;
    expect(created.data.envelope).toEqual({
      mailFrom: { email: 'alice@example.com', parameters: null },
      rcptTo: [
        { email: 'bob@example.com', parameters: null },
        { email: 'carol@example.net', parameters: null },
      ],
    });
    expect(created.data.threadId).toBe('T1');
    expect(created.data.sendAt).toBe('2026-01-10T10:00:00Z');
    expect(created.data.undoStatus).toBe('pending');
    expect(r.queued[0].dueAt).toEqual(now);
    expect(r.created.k).toMatchObject({ id: 'S1', undoStatus: 'pending', threadId: 'T1' });
  });

  it('prefers the Sender field for mailFrom and rejects two From fields as invalidEmail', () => {
    const withSender = facts({
      sender: [{ name: null, email: 'alice@example.com' }],
      headers: [...facts().headers, { name: 'Sender', value: 'alice@example.com' }],
    });
    const ok = decideSubmissionSet(
      input(
        { k: { identityId: 'I1', emailId: 'E1' } },
        { emails: new Map([['E1', { threadId: 'T', blobId: 'G', size: 1, facts: withSender }]]) },
      ),
    );
    expect(ok.notCreated).toEqual({});
    const twoFrom = facts({ headers: [...facts().headers, { name: 'From', value: 'alice@example.com' }] });
    const bad = decideSubmissionSet(
      input(
        { k: { identityId: 'I1', emailId: 'E1' } },
        { emails: new Map([['E1', { threadId: 'T', blobId: 'G', size: 1, facts: twoFrom }]]) },
      ),
    );
    expect(one(bad)).toMatchObject({ type: 'invalidEmail', properties: ['from'] });
  });

  it('unknown email or identity is invalidProperties naming them', () => {
    const r = decideSubmissionSet(input({ k: { identityId: 'nope', emailId: 'gone' } }));
    expect(one(r)).toMatchObject({ type: 'invalidProperties', properties: ['emailId', 'identityId'] });
    expect(r.events).toEqual([]);
  });

  it('server-set properties are invalidProperties', () => {
    const r = decideSubmissionSet(input({ k: { identityId: 'I1', emailId: 'E1', undoStatus: 'final' } }));
    expect(one(r)).toMatchObject({ type: 'invalidProperties', properties: ['undoStatus'] });
  });

  it('each SetError of section 7.5', () => {
    const env = (
      mailFrom: string,
      rcpt: string[],
      parameters: Record<string, string | null> | null = null,
    ) => ({
      mailFrom: { email: mailFrom, parameters },
      rcptTo: rcpt.map((email) => ({ email, parameters: null })),
    });
    const k = (extra: Record<string, unknown>) => ({ identityId: 'I1', emailId: 'E1', ...extra });
    expect(
      one(decideSubmissionSet(input({ k: k({ envelope: env('alice@example.com', []) }) }))),
    ).toMatchObject({ type: 'noRecipients' });
    expect(
      one(
        decideSubmissionSet(
          input({
            k: k({ envelope: env('alice@example.com', ['a@x.org', 'b@x.org', 'c@x.org', 'd@x.org']) }),
          }),
        ),
      ),
    ).toMatchObject({
      type: 'tooManyRecipients',
      maxRecipients: 3,
    });
    expect(
      one(
        decideSubmissionSet(
          input({ k: k({ envelope: env('alice@example.com', ['ok@x.org', 'not an address']) }) }),
        ),
      ),
    ).toMatchObject({
      type: 'invalidRecipients',
      invalidRecipients: ['not an address'],
    });
    expect(
      one(decideSubmissionSet(input({ k: k({ envelope: env('mallory@example.com', ['b@x.org']) }) }))),
    ).toMatchObject({ type: 'forbiddenMailFrom' });
    const forged = new Map([
      [
        'E1',
        {
          threadId: 'T',
          blobId: 'G',
          size: 1,
          facts: facts({ from: [{ name: null, email: 'ceo@example.com' }] }),
        },
      ],
    ]);
    expect(one(decideSubmissionSet(input({ k: k({}) }, { emails: forged })))).toMatchObject({
      type: 'forbiddenFrom',
    });
    const noFrom = new Map([['E1', { threadId: 'T', blobId: 'G', size: 1, facts: facts({ from: null }) }]]);
    expect(one(decideSubmissionSet(input({ k: k({}) }, { emails: noFrom })))).toMatchObject({
      type: 'invalidEmail',
      properties: ['from'],
    });
    expect(one(decideSubmissionSet(input({ k: k({}) }, { sentLastDay: 10 })))).toMatchObject({
      type: 'forbiddenToSend',
    });
    const big = new Map([['E1', { threadId: 'T', blobId: 'G', size: 5000, facts: facts() }]]);
    expect(one(decideSubmissionSet(input({ k: k({}) }, { emails: big })))).toMatchObject({
      type: 'tooLarge',
      maxSize: 1000,
    });
  });

  it('HOLDFOR delays the send within maxDelayedSend (RFC 4865 FUTURERELEASE)', () => {
    const env = (p: Record<string, string>) => ({
      mailFrom: { email: 'alice@example.com', parameters: p },
      rcptTo: [{ email: 'b@x.org', parameters: null }],
    });
    const r = decideSubmissionSet(
      input({ k: { identityId: 'I1', emailId: 'E1', envelope: env({ HOLDFOR: '600' }) } }),
    );
    expect(r.queued[0].dueAt.toISOString()).toBe('2026-01-10T10:10:00.000Z');
    expect(r.created.k.sendAt).toBe('2026-01-10T10:10:00Z');
    const far = decideSubmissionSet(
      input({ k: { identityId: 'I1', emailId: 'E1', envelope: env({ HOLDFOR: '7200' }) } }),
    );
    expect(one(far)).toMatchObject({ type: 'invalidProperties', properties: ['envelope'] });
    const until = decideSubmissionSet(
      input({ k: { identityId: 'I1', emailId: 'E1', envelope: env({ HOLDUNTIL: '2026-01-10T10:30:00Z' }) } }),
    );
    expect(until.created.k.sendAt).toBe('2026-01-10T10:30:00Z');
  });

  it('ifInState mismatch fails the whole call', () => {
    const i = input({ k: { identityId: 'I1', emailId: 'E1' } });
    expect(decideSubmissionSet({ ...i, payload: { ...i.payload, ifInState: '7' } }).ok).toBe(false);
  });
});

describe('EmailSubmission/set update and destroy', () => {
  const base = (cancellable: boolean, undoStatus: 'pending' | 'final' = 'pending') =>
    input({}, { submissions: new Map([['S9', { emailId: 'E1', undoStatus, cancellable }]]) });

  it('cancels a pending send (undoStatus pending → canceled)', () => {
    const i = base(true);
    const r = decideSubmissionSet({
      ...i,
      payload: { ...i.payload, update: { S9: { undoStatus: 'canceled' } } },
    });
    expect(r.updated).toEqual({ S9: null });
    expect(r.canceled).toEqual(['S9']);
    expect(r.events[0]).toEqual({
      type: 'EmailSubmissionUpdated',
      v: 1,
      data: { id: 'S9', changes: { undoStatus: 'canceled' } },
    });
  });

  it('cannotUnsend when final or being sent', () => {
    for (const i of [base(false), base(true, 'final')]) {
      const r = decideSubmissionSet({
        ...i,
        payload: { ...i.payload, update: { S9: { undoStatus: 'canceled' } } },
      });
      expect(r.notUpdated.S9).toMatchObject({ type: 'cannotUnsend' });
      expect(r.events).toEqual([]);
    }
  });

  it('other properties are immutable; unknown ids are notFound', () => {
    const i = base(true);
    const r = decideSubmissionSet({
      ...i,
      payload: {
        ...i.payload,
        update: { S9: { emailId: 'E2' }, S0: { undoStatus: 'canceled' } },
        destroy: ['S8', 'S9'],
      },
    });
    expect(r.notUpdated.S9).toMatchObject({ type: 'invalidProperties', properties: ['emailId'] });
    expect(r.notUpdated.S0).toMatchObject({ type: 'notFound' });
    expect(r.notDestroyed.S8).toMatchObject({ type: 'notFound' });
    expect(r.destroyed).toEqual(['S9']);
    expect(r.emailIds).toEqual({ S9: 'E1' });
  });
});

describe('identityAllows', () => {
  it('matches the address case-insensitively and wildcard domains', () => {
    expect(identityAllows({ id: 'I', email: 'Alice@Example.com' }, 'alice@example.COM')).toBe(true);
    expect(identityAllows({ id: 'I', email: '*@example.com' }, 'any@example.com')).toBe(true);
    expect(identityAllows({ id: 'I', email: '*@example.com' }, 'any@evil-example.com')).toBe(false);
  });
});
