/**
 * Email/import decisions (RFC 8621 4.8 and section 3 threading), in given/when/then form: given the emails the
 * account has (as their EmailCreated events), when an import arrives, then these events and this outcome.
 */
import { describe, expect, it } from 'vitest';
import type { EmailCreated, EmailImportItem, MessageFacts } from '@jmap/email-contracts';
import {
  decideImport,
  type ImportDecision,
  type ImportState,
  type PreparedImport,
} from './email-import.decider.js';
import { threadingIds, type ThreadCandidate } from './threading.js';

const NOW = new Date('2025-03-01T12:00:00Z');

function facts(over: Partial<MessageFacts> = {}): MessageFacts {
  return {
    size: 100,
    headers: [{ name: 'Subject', value: ' x' }],
    messageId: null,
    inReplyTo: null,
    references: null,
    sender: null,
    from: null,
    to: null,
    cc: null,
    bcc: null,
    replyTo: null,
    subject: null,
    sentAt: null,
    hasAttachment: false,
    preview: '',
    bodyStructure: {
      partId: '1',
      blobId: null,
      size: 0,
      headers: [],
      name: null,
      type: 'text/plain',
      charset: 'us-ascii',
      disposition: null,
      cid: null,
      language: null,
      location: null,
      bodyOffset: 0,
      bodyLength: 0,
      encoding: null,
    },
    textBody: ['1'],
    htmlBody: ['1'],
    attachments: [],
    baseSubject: '',
    textExtract: '',
    ...over,
  };
}

/** A message with an id, optional parent refs and a subject; its blob id is derived from the message id. */
function message(id: string, subject: string, refs: string[] = []): { blobId: string; facts: MessageFacts } {
  const base = subject.replace(/^(re|fwd?):\s*/i, '');
  return {
    blobId: `G${id}`,
    facts: facts({
      messageId: [id],
      inReplyTo: refs.length ? [refs[refs.length - 1]] : null,
      references: refs.length ? refs : null,
      subject,
      baseSubject: base,
    }),
  };
}

function prepared(
  cid: string,
  m: { blobId: string; facts: MessageFacts },
  item: Partial<EmailImportItem> = {},
): PreparedImport {
  return {
    item: {
      creationId: cid,
      blobId: m.blobId,
      mailboxIds: ['inbox'],
      keywords: [],
      receivedAt: null,
      ...item,
    },
    ok: true,
    blobId: m.blobId,
    sourceBlobId: m.blobId,
    derived: false,
    facts: m.facts,
    receivedHeaderDate: null,
  };
}

function given(existing: EmailCreated[], extra: Partial<ImportState> = {}) {
  const candidates = new Map<string, ThreadCandidate[]>();
  for (const e of existing) {
    const c = {
      emailId: e.data.id,
      threadId: e.data.threadId,
      baseSubject: e.data.baseSubject,
      receivedAt: e.data.receivedAt,
    };
    for (const { messageId } of threadingIds(e.data))
      candidates.set(messageId, [...(candidates.get(messageId) ?? []), c]);
  }
  const state: ImportState = {
    emailState: String(existing.length),
    mailboxIds: new Set(['inbox', 'archive']),
    readableBlobs: new Set([
      ...existing.map((e) => e.data.blobId),
      ...['Ga', 'Gb', 'Gc', 'Gd', 'Ge', 'Gr1', 'Gr2', 'Gp'].map(String),
    ]),
    existingByBlob: new Map(existing.map((e) => [e.data.blobId, e.data.id])),
    candidatesByMessageId: candidates,
    ...extra,
  };
  let n = 0;
  return {
    when(imports: PreparedImport[], ifInState: string | null = null): ImportDecision {
      return decideImport(state, { ifInState }, imports, { newId: (p) => `${p}${++n}`, now: NOW });
    },
  };
}

function ok(d: ImportDecision) {
  if (!d.ok) throw new Error('unexpected stateMismatch');
  return d;
}

const existingEmail = (
  id: string,
  threadId: string,
  m: { blobId: string; facts: MessageFacts },
  receivedAt = '2025-01-01T00:00:00Z',
): EmailCreated => ({
  type: 'EmailCreated',
  v: 1,
  data: { ...m.facts, id, threadId, blobId: m.blobId, mailboxIds: ['inbox'], keywords: [], receivedAt },
});

describe('Email/import', () => {
  it('creates an email in a new thread with the given mailboxes, keywords and receivedAt', () => {
    const d = ok(
      given([]).when([
        prepared('a', message('a', 'Hello'), { keywords: ['$seen'], receivedAt: '2025-02-01T00:00:00Z' }),
      ]),
    );
    expect(d.events).toHaveLength(1);
    expect(d.events[0].data).toMatchObject({
      id: 'E1',
      threadId: 'T2',
      blobId: 'Ga',
      mailboxIds: ['inbox'],
      keywords: ['$seen'],
      receivedAt: '2025-02-01T00:00:00Z',
    });
    expect(d.created).toEqual({ a: { id: 'E1', blobId: 'Ga', threadId: 'T2', size: 100 } });
    expect(d.referencedBlobs).toEqual([{ blobId: 'Ga', derived: false, creationId: 'a' }]);
  });

  it('defaults receivedAt to the most recent Received date, else to the time of import', () => {
    const withHeader = {
      ...prepared('a', message('a', 'x')),
      receivedHeaderDate: '2024-12-24T18:00:00Z',
    } as PreparedImport;
    const d = ok(given([]).when([withHeader, prepared('b', message('b', 'y'))]));
    expect(d.events.map((e) => e.data.receivedAt)).toEqual(['2024-12-24T18:00:00Z', '2025-03-01T12:00:00Z']);
  });

  it('rejects the same octets as an existing email with alreadyExists and its id, also within one call', () => {
    const a = message('a', 'Hello');
    const d = ok(
      given([existingEmail('E0', 'T0', a)]).when([
        prepared('x', a),
        prepared('y', message('b', 'B')),
        prepared('z', message('b', 'B')),
      ]),
    );
    expect(d.notCreated.x).toEqual(expect.objectContaining({ type: 'alreadyExists', existingId: 'E0' }));
    expect(d.notCreated.z).toEqual(
      expect.objectContaining({ type: 'alreadyExists', existingId: d.created.y.id }),
    );
    expect(d.events).toHaveLength(1);
  });

  it('rejects an unreadable blob and an unknown mailbox with invalidProperties naming the property', () => {
    const d = ok(
      given([], { readableBlobs: new Set(['Gb']) }).when([
        prepared('a', message('a', 'x')),
        prepared('b', message('b', 'y'), { mailboxIds: ['inbox', 'gone'] }),
      ]),
    );
    expect(d.notCreated.a).toMatchObject({ type: 'invalidProperties', properties: ['blobId'] });
    expect(d.notCreated.b).toMatchObject({ type: 'invalidProperties', properties: ['mailboxIds'] });
    expect(d.events).toEqual([]);
  });

  it('passes on the preparation error of an import that could not be parsed', () => {
    const bad: PreparedImport = {
      item: prepared('a', message('a', 'x')).item,
      ok: false,
      error: { type: 'invalidEmail' },
    };
    expect(ok(given([]).when([bad])).notCreated.a).toEqual({ type: 'invalidEmail' });
  });

  it('answers stateMismatch when ifInState is not the current Email state', () => {
    expect(given([]).when([prepared('a', message('a', 'x'))], '7')).toEqual({
      ok: false,
      error: 'stateMismatch',
    });
    expect(ok(given([]).when([prepared('a', message('a', 'x'))], '0')).events).toHaveLength(1);
  });
});

describe('threading at import (RFC 8621 section 3)', () => {
  it('puts a reply in the thread of its parent (same base subject, parent id in In-Reply-To/References)', () => {
    const parent = message('p', 'Plans');
    const d = ok(
      given([existingEmail('E0', 'T0', parent)]).when([prepared('r', message('r1', 'Re: Plans', ['p']))]),
    );
    expect(d.created.r.threadId).toBe('T0');
  });

  it('threads a parent that arrives after its reply (the reply names the parent id)', () => {
    const reply = message('r1', 'Re: Plans', ['p']);
    const d = ok(given([existingEmail('E0', 'T0', reply)]).when([prepared('p', message('p', 'Plans'))]));
    expect(d.created.p.threadId).toBe('T0');
  });

  it('threads two replies to a parent that never arrived (both reference the same id)', () => {
    const d = ok(
      given([]).when([
        prepared('a', message('r1', 'Re: Plans', ['p'])),
        prepared('b', message('r2', 'Re: Plans', ['p'])),
      ]),
    );
    expect(d.created.b.threadId).toBe(d.created.a.threadId);
  });

  it('keeps messages with the same subject but no shared message id in separate threads', () => {
    const d = ok(
      given([existingEmail('E0', 'T0', message('a', 'Lunch?'))]).when([
        prepared('b', message('b', 'Lunch?')),
      ]),
    );
    expect(d.created.b.threadId).not.toBe('T0');
  });

  it('keeps a reference with a different base subject in a new thread (a reply used to start a new topic)', () => {
    const d = ok(
      given([existingEmail('E0', 'T0', message('p', 'Plans'))]).when([
        prepared('r', message('r1', 'Something else', ['p'])),
      ]),
    );
    expect(d.created.r.threadId).not.toBe('T0');
  });

  it('never merges threads: an email linking two threads joins the one of its earliest-received match', () => {
    const older = existingEmail('E1', 'T1', message('a', 'Topic'), '2025-01-01T00:00:00Z');
    const newer = existingEmail('E2', 'T2', message('b', 'Topic'), '2025-01-02T00:00:00Z');
    const d = ok(given([newer, older]).when([prepared('c', message('c', 'Re: Topic', ['a', 'b']))]));
    expect(d.created.c.threadId).toBe('T1');
    expect(d.events.map((e) => e.type)).toEqual(['EmailCreated']);
  });
});
