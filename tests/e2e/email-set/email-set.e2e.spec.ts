/**
 * Email/set and Email/copy through the distributed path (issue 7; RFC 8621 4.6 and 4.7): HTTP → gateway →
 * Kafka → email service → Postgres/S3, with the thread service projecting Threads. Creation composes the MIME
 * message (read back with Email/get and the download route), updates change keywords and mailboxes whole or by
 * patch with exact mailbox counts, destroys remove emails and their last thread, every SetError the RFC names
 * for Email/set is produced, an ifInState mismatch changes nothing, and Email/copy moves an email to another
 * account with the implicit Email/set response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USING, call, ok, type Args, type EmailWorld, startEmailWorld, upload } from '../email/support.js';

let w: EmailWorld;

beforeAll(async () => {
  // Small limits so that tooManyMailboxes and tooManyKeywords are reachable (RFC 8621 4.6).
  w = await startEmailWorld('set-alice@example.com', {
    MAX_MAILBOXES_PER_EMAIL: '3',
    MAX_KEYWORDS_PER_EMAIL: '4',
  });
}, 240_000);
afterAll(() => w?.stack.stop());

type Counts = Record<
  string,
  { totalEmails: number; unreadEmails: number; totalThreads: number; unreadThreads: number }
>;

async function counts(accountId = w.accountId): Promise<Counts> {
  const r = await ok(w, 'Mailbox/get', {
    accountId,
    ids: null,
    properties: ['totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads'],
  });
  return Object.fromEntries(
    (r.list as Args[]).map((m) => [
      m.id as string,
      {
        totalEmails: m.totalEmails as number,
        unreadEmails: m.unreadEmails as number,
        totalThreads: m.totalThreads as number,
        unreadThreads: m.unreadThreads as number,
      },
    ]),
  );
}

const c = (totalEmails: number, unreadEmails: number, totalThreads: number, unreadThreads: number) => ({
  totalEmails,
  unreadEmails,
  totalThreads,
  unreadThreads,
});

async function emailState(): Promise<string> {
  return (await ok(w, 'Email/get', { ids: [], properties: ['id'] })).state as string;
}
async function threadState(): Promise<string> {
  return (await ok(w, 'Thread/get', { ids: [] })).state as string;
}

/** Creates one simple draft in a mailbox; returns its created entry. */
async function createSimple(subject: string, mailboxIds: string[], keywords: Args = {}): Promise<Args> {
  const r = await ok(w, 'Email/set', {
    create: {
      d: {
        mailboxIds: Object.fromEntries(mailboxIds.map((m) => [m, true])),
        keywords,
        from: [{ name: 'Alice', email: 'set-alice@example.com' }],
        subject,
        textBody: [{ partId: 't', type: 'text/plain' }],
        bodyValues: { t: { value: `Body of ${subject}` } },
      },
    },
  });
  expect(r.notCreated, JSON.stringify(r.notCreated)).toBeNull();
  return (r.created as Record<string, Args>).d;
}

describe('Email/set create (RFC 8621 4.6)', () => {
  it('composes text, HTML, an inline image and an attachment; Email/get returns them and downloads are byte-exact', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x10, 0x0d, 0x0a]);
    const pdf = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 131 + 7) % 256));
    const pngId = await upload(w, png);
    const pdfId = await upload(w, pdf);
    const before = await counts();
    const res = await w.client.api(USING, [
      ['Mailbox/set', { accountId: w.accountId, create: { box: { name: 'Drafts from set' } } }, 'm'],
      [
        'Email/set',
        {
          accountId: w.accountId,
          create: {
            rich: {
              mailboxIds: { '#box': true, [w.roles.drafts]: true },
              keywords: { $draft: true },
              from: [{ name: 'Zoë Ünïcode', email: 'set-alice@example.com' }],
              to: [{ name: 'Bob', email: 'bob@example.org' }],
              subject: 'Grüße – with attachments',
              'header:X-Mailer:asText': 'tests/e2e 1.0',
              'header:List-Unsubscribe:asURLs': ['mailto:unsub@example.org'],
              textBody: [{ partId: 't', type: 'text/plain' }],
              htmlBody: [{ partId: 'h', type: 'text/html' }],
              attachments: [
                { blobId: pngId, type: 'image/png', disposition: 'inline', cid: 'logo@x' },
                { blobId: pdfId, type: 'application/pdf', name: 'Prüfbericht 2025.pdf' },
              ],
              bodyValues: {
                t: { value: 'Hallo Bob,\nsiehe Anhang.' },
                h: { value: '<p>Hallo Bob, <img src="cid:logo@x"></p>' },
              },
            },
          },
        },
        'e',
      ],
    ]);
    expect(res.status).toBe(200);
    const [[, mbox], [setName, set]] = res.body.methodResponses;
    expect(setName, JSON.stringify(set)).toBe('Email/set');
    expect(set.notCreated).toBeNull();
    const boxId = (mbox.created as Record<string, Args>).box.id as string;
    const created = (set.created as Record<string, Args>).rich;
    expect(Object.keys(created).sort()).toEqual(['blobId', 'id', 'size', 'threadId']);

    const got = await ok(w, 'Email/get', {
      ids: [created.id],
      properties: [
        'blobId',
        'threadId',
        'mailboxIds',
        'keywords',
        'size',
        'from',
        'to',
        'subject',
        'sentAt',
        'messageId',
        'hasAttachment',
        'bodyStructure',
        'textBody',
        'htmlBody',
        'attachments',
        'bodyValues',
        'header:X-Mailer:asText',
        'header:List-Unsubscribe:asURLs',
        'preview',
      ],
      fetchAllBodyValues: true,
    });
    const e = (got.list as Args[])[0];
    expect(e.blobId).toBe(created.blobId);
    expect(e.size).toBe(created.size);
    expect(e.mailboxIds).toEqual({ [boxId]: true, [w.roles.drafts]: true });
    expect(e.keywords).toEqual({ $draft: true });
    expect(e.from).toEqual([{ name: 'Zoë Ünïcode', email: 'set-alice@example.com' }]);
    expect(e.to).toEqual([{ name: 'Bob', email: 'bob@example.org' }]);
    expect(e.subject).toBe('Grüße – with attachments');
    // Message-ID and Date are added by the server when absent (RFC 8621 4.6).
    expect((e.messageId as string[])[0]).toMatch(/^[0-9a-f]{32}@example\.com$/);
    expect(typeof e.sentAt).toBe('string');
    expect(e['header:X-Mailer:asText']).toBe('tests/e2e 1.0');
    expect(e['header:List-Unsubscribe:asURLs']).toEqual(['mailto:unsub@example.org']);
    expect(e.hasAttachment).toBe(true);
    const bs = e.bodyStructure as Args;
    expect(bs.type).toBe('multipart/mixed');
    const [related, file] = bs.subParts as Args[];
    expect(related.type).toBe('multipart/related');
    const [alternative, image] = related.subParts as Args[];
    expect(alternative.type).toBe('multipart/alternative');
    expect((alternative.subParts as Args[]).map((p) => p.type)).toEqual(['text/plain', 'text/html']);
    expect([image.type, image.cid, image.disposition]).toEqual(['image/png', 'logo@x', 'inline']);
    expect([file.type, file.name, file.size]).toEqual([
      'application/pdf',
      'Prüfbericht 2025.pdf',
      pdf.length,
    ]);
    const textPart = (e.textBody as Args[])[0];
    const htmlPart = (e.htmlBody as Args[])[0];
    expect(textPart.type).toBe('text/plain');
    expect(htmlPart.type).toBe('text/html');
    expect((e.attachments as Args[]).map((a) => a.type)).toEqual(['image/png', 'application/pdf']);
    const values = e.bodyValues as Record<string, Args>;
    expect(values[textPart.partId as string].value).toBe('Hallo Bob,\nsiehe Anhang.');
    expect(values[htmlPart.partId as string].value).toBe('<p>Hallo Bob, <img src="cid:logo@x"></p>');
    expect(e.preview).toBe('Hallo Bob, siehe Anhang.');

    // The attachment octets come back byte for byte from the part blobs.
    const gotPdf = await w.client.download(w.accountId, file.blobId as string, 'file.pdf');
    const gotPng = await w.client.download(w.accountId, image.blobId as string, 'logo.png');
    expect([gotPdf.status, gotPdf.body.equals(pdf)]).toEqual([200, true]);
    expect([gotPng.status, gotPng.body.equals(png)]).toEqual([200, true]);
    // The message itself: CRLF line ends, and the encoded words of RFC 2047 for the non-ASCII header text.
    const raw = await w.client.download(w.accountId, created.blobId as string, 'm.eml');
    const text = raw.body.toString('latin1');
    expect(text).not.toMatch(/(?<!\r)\n/);
    expect(text).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(text).toContain('MIME-Version: 1.0');

    // Counts: a $draft email is not unread (RFC 8621 2); Thread/get has its thread.
    const after = await counts();
    expect(after[boxId]).toEqual(c(1, 0, 1, 0));
    expect(after[w.roles.drafts]).toEqual(
      c(before[w.roles.drafts].totalEmails + 1, 0, before[w.roles.drafts].totalThreads + 1, 0),
    );
    const t = await ok(w, 'Thread/get', { ids: [created.threadId] });
    expect(t.list).toEqual([{ id: created.threadId, emailIds: [created.id] }]);
  });

  it('takes an explicit bodyStructure with part header fields, and keeps given Date and Message-ID', async () => {
    // Bare LF line ends in a text attachment are kept as they are (the part is exact, so base64).
    const csvOctets = Buffer.from('col1,col2\n1,2\n');
    const blob = await upload(w, csvOctets);
    const r = await ok(w, 'Email/set', {
      create: {
        s: {
          mailboxIds: { [w.roles.inbox]: true },
          subject: 'Structure',
          sentAt: '2025-03-01T10:00:00+02:00',
          messageId: ['given-id@example.com'],
          bodyStructure: {
            type: 'multipart/mixed',
            subParts: [
              { partId: 'body', type: 'text/plain', 'header:X-Part:asText': 'first' },
              { blobId: blob, type: 'text/csv', name: 'data.csv', disposition: 'attachment' },
            ],
          },
          bodyValues: { body: { value: 'See the data.' } },
        },
      },
    });
    expect(r.notCreated).toBeNull();
    const id = (r.created as Record<string, Args>).s.id;
    const e = (
      (
        await ok(w, 'Email/get', {
          ids: [id],
          properties: ['sentAt', 'messageId', 'bodyStructure', 'attachments', 'textBody', 'bodyValues'],
          bodyProperties: ['partId', 'blobId', 'type', 'name', 'header:X-Part:asText'],
          fetchTextBodyValues: true,
        })
      ).list as Args[]
    )[0];
    expect(e.sentAt).toBe('2025-03-01T10:00:00+02:00');
    expect(e.messageId).toEqual(['given-id@example.com']);
    const [body, csv] = (e.bodyStructure as Args).subParts as Args[];
    expect(body['header:X-Part:asText']).toBe('first');
    expect([csv.type, csv.name]).toEqual(['text/csv', 'data.csv']);
    const down = await w.client.download(w.accountId, csv.blobId as string, 'data.csv');
    expect([down.status, down.body.equals(csvOctets)]).toEqual([200, true]);
    expect((e.bodyValues as Record<string, Args>)[body.partId as string].value).toBe('See the data.');
  });
});

describe('Email/set update and destroy (RFC 8621 4.6)', () => {
  it('changes keywords whole and by patch, with exact counts and Email/changes moving', async () => {
    const box = (
      (await ok(w, 'Mailbox/set', { create: { k: { name: 'Keywords' } } })).created as Record<string, Args>
    ).k.id as string;
    const a = await createSimple('Keyword A', [box]);
    const b = await createSimple('Keyword B', [box]);
    expect(await counts().then((x) => x[box])).toEqual(c(2, 2, 2, 2));
    const state0 = await emailState();
    const r1 = await ok(w, 'Email/set', {
      update: { [a.id as string]: { 'keywords/$seen': true, 'keywords/$Flagged': true } },
    });
    expect(r1.updated).toEqual({ [a.id as string]: null });
    expect(r1.oldState).toBe(state0);
    expect((await counts())[box]).toEqual(c(2, 1, 2, 1));
    const ch = await ok(w, 'Email/changes', { sinceState: state0 });
    expect([ch.created, ch.updated, ch.destroyed]).toEqual([[], [a.id], []]);
    expect(ch.newState).toBe(r1.newState);
    // Whole value: replaces the set.
    await ok(w, 'Email/set', { update: { [b.id as string]: { keywords: { $seen: true, work: true } } } });
    const got = await ok(w, 'Email/get', { ids: [a.id, b.id], properties: ['keywords'] });
    expect(Object.fromEntries((got.list as Args[]).map((e) => [e.id, e.keywords]))).toEqual({
      [a.id as string]: { $seen: true, $flagged: true },
      [b.id as string]: { $seen: true, work: true },
    });
    expect((await counts())[box]).toEqual(c(2, 0, 2, 0));
    // Patch removal by null.
    await ok(w, 'Email/set', { update: { [a.id as string]: { 'keywords/$seen': null } } });
    expect((await counts())[box]).toEqual(c(2, 1, 2, 1));
  });

  it('moves between mailboxes whole and by patch, with exact counts; Thread/changes does not move', async () => {
    const made = (await ok(w, 'Mailbox/set', { create: { x: { name: 'Move X' }, y: { name: 'Move Y' } } }))
      .created as Record<string, Args>;
    const [x, y] = [made.x.id as string, made.y.id as string];
    const e = await createSimple('Mover', [x]);
    const t0 = await threadState();
    await ok(w, 'Email/set', { update: { [e.id as string]: { [`mailboxIds/${y}`]: true } } });
    let n = await counts();
    expect([n[x], n[y]]).toEqual([c(1, 1, 1, 1), c(1, 1, 1, 1)]);
    await ok(w, 'Email/set', { update: { [e.id as string]: { [`mailboxIds/${x}`]: null } } });
    n = await counts();
    expect([n[x], n[y]]).toEqual([c(0, 0, 0, 0), c(1, 1, 1, 1)]);
    await ok(w, 'Email/set', { update: { [e.id as string]: { mailboxIds: { [x]: true } } } });
    n = await counts();
    expect([n[x], n[y]]).toEqual([c(1, 1, 1, 1), c(0, 0, 0, 0)]);
    const got = await ok(w, 'Email/get', { ids: [e.id], properties: ['mailboxIds'] });
    expect((got.list as Args[])[0].mailboxIds).toEqual({ [x]: true });
    const tc = await ok(w, 'Thread/changes', { sinceState: t0 });
    expect([tc.created, tc.updated, tc.destroyed]).toEqual([[], [], []]);
  });

  it('destroys emails; the thread goes with its last email, and the message blob is released', async () => {
    const box = (
      (await ok(w, 'Mailbox/set', { create: { d: { name: 'Destroy' } } })).created as Record<string, Args>
    ).d.id as string;
    const e = await createSimple('Destroy me', [box]);
    const [e0, t0] = [await emailState(), await threadState()];
    const r = await ok(w, 'Email/set', { destroy: [e.id] });
    expect(r.destroyed).toEqual([e.id]);
    expect((await counts())[box]).toEqual(c(0, 0, 0, 0));
    const ch = await ok(w, 'Email/changes', { sinceState: e0 });
    expect(ch.destroyed).toEqual([e.id]);
    const tc = await ok(w, 'Thread/changes', { sinceState: t0 });
    expect(tc.destroyed).toEqual([e.threadId]);
    const t = await ok(w, 'Thread/get', { ids: [e.threadId] });
    expect(t.notFound).toEqual([e.threadId]);
    const g = await ok(w, 'Email/get', { ids: [e.id], properties: ['id'] });
    expect(g.notFound).toEqual([e.id]);
    // ADR 0006: no email names the blob any more, so the account's row expires again.
    const { rows } = await w.stack.db.query<{ expires_at: Date | null }>(
      'SELECT expires_at FROM blobs WHERE account_id = $1 AND blob_id = $2',
      [w.accountId, e.blobId],
    );
    expect(rows[0].expires_at).not.toBeNull();
  });
});

describe('Mailbox/set onDestroyRemoveEmails (RFC 8621 2.5)', () => {
  it('releases the message blob of an email the cascade destroys, and keeps the one another email names', async () => {
    const made = (await ok(w, 'Mailbox/set', { create: { g: { name: 'Gone' }, k: { name: 'Kept' } } }))
      .created as Record<string, Args>;
    const [gone, kept] = [made.g.id as string, made.k.id as string];
    const only = await createSimple('Only in Gone', [gone]);
    const both = await createSimple('In both', [gone, kept]);
    const r = await ok(w, 'Mailbox/set', { destroy: [gone], onDestroyRemoveEmails: true });
    expect(r.destroyed).toEqual([gone]);
    const { rows } = await w.stack.db.query<{ blob_id: string; expires_at: Date | null }>(
      'SELECT blob_id, expires_at FROM blobs WHERE account_id = $1 AND blob_id = ANY($2::text[])',
      [w.accountId, [only.blobId, both.blobId]],
    );
    const expiry = Object.fromEntries(rows.map((x) => [x.blob_id, x.expires_at]));
    expect(expiry[only.blobId as string]).not.toBeNull();
    expect(expiry[both.blobId as string]).toBeNull();
    expect((await counts())[kept]).toEqual(c(1, 1, 1, 1));
  });
});

describe('Email/set errors (RFC 8621 4.6, RFC 8620 5.3)', () => {
  it('answers each bad change with its SetError and applies nothing of it', async () => {
    const box = (
      (await ok(w, 'Mailbox/set', { create: { e: { name: 'Errors' } } })).created as Record<string, Args>
    ).e.id as string;
    const e = await createSimple('Errors', [box]);
    const before = await counts();
    const r = await ok(w, 'Email/set', {
      create: {
        headersGiven: { mailboxIds: { [box]: true }, headers: [{ name: 'X', value: 'y' }] },
        twice: { mailboxIds: { [box]: true }, subject: 'a', 'header:Subject:asText': 'b' },
        contentTop: { mailboxIds: { [box]: true }, 'header:Content-Type': ' text/plain' },
        noBlob: {
          mailboxIds: { [box]: true },
          attachments: [
            {
              blobId: 'G0000000000000000000000000000000000000000000000000000000000000000',
              type: 'image/png',
            },
          ],
        },
        manyKeywords: {
          mailboxIds: { [box]: true },
          keywords: { a: true, b: true, c: true, d: true, e: true },
        },
        noMailbox: { mailboxIds: { Mnope: true } },
      },
      update: {
        [e.id as string]: { subject: 'immutable' },
        Enope: { 'keywords/$seen': true },
      },
      destroy: ['Enope2'],
    });
    expect(r.created).toBeNull();
    const nc = r.notCreated as Record<string, Args>;
    expect(nc.headersGiven).toMatchObject({ type: 'invalidProperties', properties: ['headers'] });
    expect(nc.twice).toMatchObject({ type: 'invalidProperties' });
    expect((nc.twice.properties as string[]).sort()).toEqual(['header:Subject:asText', 'subject']);
    expect(nc.contentTop).toMatchObject({ type: 'invalidProperties', properties: ['header:Content-Type'] });
    expect(nc.noBlob).toMatchObject({
      type: 'blobNotFound',
      notFound: ['G0000000000000000000000000000000000000000000000000000000000000000'],
    });
    expect(nc.manyKeywords).toMatchObject({ type: 'tooManyKeywords' });
    expect(nc.noMailbox).toMatchObject({ type: 'invalidProperties', properties: ['mailboxIds'] });
    expect(r.notUpdated).toMatchObject({
      [e.id as string]: { type: 'invalidProperties', properties: ['subject'] },
      Enope: { type: 'notFound' },
    });
    expect(r.notDestroyed).toMatchObject({ Enope2: { type: 'notFound' } });
    expect(r.oldState).toBe(r.newState);

    const many = (
      await ok(w, 'Mailbox/set', { create: { p: { name: 'M1' }, q: { name: 'M2' }, r: { name: 'M3' } } })
    ).created as Record<string, Args>;
    const r2 = await ok(w, 'Email/set', {
      update: {
        [e.id as string]: {
          mailboxIds: {
            [box]: true,
            [many.p.id as string]: true,
            [many.q.id as string]: true,
            [many.r.id as string]: true,
          },
        },
      },
    });
    expect(r2.notUpdated).toMatchObject({ [e.id as string]: { type: 'tooManyMailboxes' } });
    const r3 = await ok(w, 'Email/set', {
      update: { [e.id as string]: { keywords: { a: true, b: true, c: true, d: true, e: true } } },
    });
    expect(r3.notUpdated).toMatchObject({ [e.id as string]: { type: 'tooManyKeywords' } });
    const r4 = await ok(w, 'Email/set', { update: { [e.id as string]: { [`mailboxIds/${box}`]: null } } });
    expect(r4.notUpdated).toMatchObject({
      [e.id as string]: { type: 'invalidProperties', properties: ['mailboxIds'] },
    });
    expect(await counts()).toEqual({
      ...before,
      ...Object.fromEntries(Object.values(many).map((m) => [m.id, c(0, 0, 0, 0)])),
    });
  });

  it('ifInState that does not match is stateMismatch and changes nothing (RFC 8620 5.3)', async () => {
    const e = await createSimple('State', [w.roles.inbox]);
    const [state, before] = [await emailState(), await counts()];
    const [name, args] = await call(w, 'Email/set', {
      ifInState: 'not-the-state',
      update: { [e.id as string]: { 'keywords/$seen': true } },
      destroy: [e.id],
    });
    expect([name, args.type]).toEqual(['error', 'stateMismatch']);
    expect(await emailState()).toBe(state);
    expect(await counts()).toEqual(before);
    const ok2 = await ok(w, 'Email/set', {
      ifInState: state,
      update: { [e.id as string]: { 'keywords/$seen': true } },
    });
    expect(ok2.updated).toEqual({ [e.id as string]: null });
  });
});

describe('Email/copy (RFC 8621 4.7)', () => {
  it('copies to another account with onSuccessDestroyOriginal and the implicit Email/set response', async () => {
    const { accountId: team } = await w.stack.createAccount('set-team@example.com', 'team-password');
    await w.stack.db.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [
      w.principalId,
      team,
    ]);
    const teamInbox = (
      (await ok(w, 'Mailbox/get', { accountId: team, ids: null, properties: ['role'] })).list as Args[]
    ).find((m) => m.role === 'inbox')!.id as string;
    const e = await createSimple('Copy me', [w.roles.inbox], { $seen: true });
    const keep = await createSimple('Copy me too', [w.roles.inbox]);
    const [fromState, fromCounts] = [await emailState(), await counts()];
    const res = await w.client.api(USING, [
      [
        'Email/copy',
        {
          fromAccountId: w.accountId,
          accountId: team,
          create: {
            c1: { id: e.id, mailboxIds: { [teamInbox]: true } },
            c2: { id: keep.id, mailboxIds: { [teamInbox]: true }, keywords: { $flagged: true } },
            gone: { id: 'Enope', mailboxIds: { [teamInbox]: true } },
          },
          onSuccessDestroyOriginal: true,
          destroyFromIfInState: fromState,
        },
        'cp',
      ],
    ]);
    expect(res.status).toBe(200);
    const [[copyName, copy, id1], [setName, set, id2]] = res.body.methodResponses;
    expect([copyName, id1, setName, id2]).toEqual(['Email/copy', 'cp', 'Email/set', 'cp']);
    expect(copy.fromAccountId).toBe(w.accountId);
    expect(copy.accountId).toBe(team);
    expect(copy.notCreated).toMatchObject({ gone: { type: 'notFound' } });
    const created = copy.created as Record<string, Args>;
    expect(created.c1.blobId).toBe(e.blobId);
    expect(created.c1.size).toBe(e.size);
    expect((set.destroyed as string[]).sort()).toEqual([e.id, keep.id].sort());
    expect(set.accountId).toBe(w.accountId);
    const got = await ok(w, 'Email/get', {
      accountId: team,
      ids: [created.c1.id, created.c2.id],
      properties: ['subject', 'keywords', 'mailboxIds', 'blobId'],
    });
    expect((got.list as Args[]).map((x) => [x.subject, x.keywords])).toEqual([
      ['Copy me', { $seen: true }],
      ['Copy me too', { $flagged: true }],
    ]);
    expect((await counts(team))[teamInbox]).toEqual(c(2, 1, 2, 1));
    const after = await counts();
    expect(after[w.roles.inbox]).toEqual({
      totalEmails: fromCounts[w.roles.inbox].totalEmails - 2,
      unreadEmails: fromCounts[w.roles.inbox].unreadEmails - 1,
      totalThreads: fromCounts[w.roles.inbox].totalThreads - 2,
      unreadThreads: fromCounts[w.roles.inbox].unreadThreads - 1,
    });
    // The same octets again: alreadyExists with the existing id (RFC 8621 4.7).
    const again = await createSimple('Copy me', [w.roles.inbox]);
    const blobCopy = await ok(w, 'Email/copy', {
      fromAccountId: w.accountId,
      accountId: team,
      create: { x: { id: again.id, mailboxIds: { [teamInbox]: true } } },
    });
    expect(blobCopy.notCreated).toBeNull();
    const dup = await ok(w, 'Email/copy', {
      fromAccountId: w.accountId,
      accountId: team,
      create: { y: { id: again.id, mailboxIds: { [teamInbox]: true } } },
    });
    expect(dup.notCreated).toMatchObject({
      y: { type: 'alreadyExists', existingId: (blobCopy.created as Record<string, Args>).x.id },
    });
  });

  it('destroyFromIfInState that does not match leaves the originals, with a stateMismatch after the copy', async () => {
    const { accountId: team } = await w.stack.createAccount('set-team2@example.com', 'team-password');
    await w.stack.db.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [
      w.principalId,
      team,
    ]);
    const teamInbox = (
      (await ok(w, 'Mailbox/get', { accountId: team, ids: null, properties: ['role'] })).list as Args[]
    ).find((m) => m.role === 'inbox')!.id as string;
    const e = await createSimple('Stay', [w.roles.inbox]);
    const res = await w.client.api(USING, [
      [
        'Email/copy',
        {
          fromAccountId: w.accountId,
          accountId: team,
          create: { c: { id: e.id, mailboxIds: { [teamInbox]: true } } },
          onSuccessDestroyOriginal: true,
          destroyFromIfInState: 'stale',
        },
        'cp',
      ],
    ]);
    const [[copyName, copy], [errName, err]] = res.body.methodResponses;
    expect([copyName, errName, err.type]).toEqual(['Email/copy', 'error', 'stateMismatch']);
    expect(copy.created).not.toBeNull();
    const g = await ok(w, 'Email/get', { ids: [e.id], properties: ['id'] });
    expect(g.notFound).toEqual([]);
  });
});
