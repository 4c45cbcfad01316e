/**
 * Email in and out through the distributed path (issue 6): every message of the MIME corpus is uploaded,
 * imported with Email/import over HTTP and read back with Email/get (every property, text and HTML bodyValues),
 * and compared with its reviewed expectation (tests/fixtures/email/expected, derived from the reviewed MIME views
 * plus what the server adds: tools/email/expected.spec.ts). Then part blobs, Email/parse and the import errors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  importBlobs,
  ok,
  rfc5322,
  upload,
  uploadAll,
  type Args,
  type EmailWorld,
  startEmailWorld,
} from './support.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const MESSAGES = join(FIXTURES, 'mime', 'messages');
const EXPECTED = join(FIXTURES, 'email', 'expected');
const READ_BACK = { fetchTextBodyValues: true, fetchHTMLBodyValues: true, maxBodyValueBytes: 4096 };
const ALL_PROPERTIES = [
  'id',
  'blobId',
  'threadId',
  'mailboxIds',
  'keywords',
  'size',
  'receivedAt',
  'headers',
  'messageId',
  'inReplyTo',
  'references',
  'sender',
  'from',
  'to',
  'cc',
  'bcc',
  'replyTo',
  'subject',
  'sentAt',
  'bodyStructure',
  'bodyValues',
  'textBody',
  'htmlBody',
  'attachments',
  'hasAttachment',
  'preview',
];

const files = readdirSync(MESSAGES)
  .filter((f) => f.endsWith('.eml'))
  .sort();
let w: EmailWorld;
const created = new Map<string, { id: string; threadId: string; blobId: string }>();

/** The expectation with the values known only after the import filled in. */
function expectation(file: string): Args {
  const text = readFileSync(join(EXPECTED, file.replace(/\.eml$/, '.json')), 'utf8');
  const c = created.get(file)!;
  return JSON.parse(
    text
      .replaceAll('"$id"', JSON.stringify(c.id))
      .replaceAll('"$threadId"', JSON.stringify(c.threadId))
      .replaceAll('"$inbox"', JSON.stringify(w.roles.inbox)),
  ) as Args;
}

beforeAll(async () => {
  w = await startEmailWorld('corpus@example.com');
  const blobIds = await uploadAll(
    w,
    files.map((f) => readFileSync(join(MESSAGES, f))),
  );
  // Several calls of up to 30 imports each, every import with the keywords and receivedAt of its expectation.
  for (let from = 0; from < files.length; from += 30) {
    const slice = files.slice(from, from + 30);
    const plans = slice.map(
      (f) => JSON.parse(readFileSync(join(EXPECTED, f.replace(/\.eml$/, '.json')), 'utf8')) as Args,
    );
    const result = await importBlobs(w, blobIds.slice(from, from + 30), (i) => ({
      keywords: plans[i].keywords,
      receivedAt: plans[i].receivedAt,
    }));
    slice.forEach((f, i) => created.set(f, result[i]));
  }
});

afterAll(async () => {
  await w?.stack.stop();
});

describe('the corpus imported and read back over HTTP', () => {
  it('imports every message (at least 60), each answered with id, blobId, threadId and size', () => {
    expect(created.size).toBeGreaterThanOrEqual(60);
    for (const [file, c] of created)
      expect(c, file).toMatchObject({
        id: expect.stringMatching(/^E/),
        threadId: expect.stringMatching(/^T/),
        blobId: expect.stringMatching(/^G[0-9a-f]{64}$/),
      });
  });

  it.each(files)('%s reads back as its reviewed expectation', async (file) => {
    const r = await ok(w, 'Email/get', {
      ids: [created.get(file)!.id],
      properties: ALL_PROPERTIES,
      ...READ_BACK,
    });
    expect(r.notFound).toEqual([]);
    expect((r.list as Args[])[0]).toEqual(expectation(file));
  });

  // Email/get of only these properties reads the objects straight from the rows (emailListingObjects); every other request
  // goes through the Email view. Both must answer the same values.
  const LISTING = ALL_PROPERTIES.filter(
    (p) => !['headers', 'bodyStructure', 'bodyValues', 'textBody', 'htmlBody', 'attachments'].includes(p),
  );

  it('answers the metadata, convenience headers and preview (read straight from the rows) as reviewed, by ids and for ids: null', async () => {
    const ids = files.map((f) => created.get(f)!.id);
    const byIds = await ok(w, 'Email/get', { ids, properties: LISTING });
    expect(byIds.notFound).toEqual([]);
    expect((byIds.list as Args[]).map((e) => e.id)).toEqual(ids);
    const all = await ok(w, 'Email/get', { ids: null, properties: LISTING });
    const everyOne = new Map((all.list as Args[]).map((e) => [e.id as string, e]));
    files.forEach((f, i) => {
      const expected = expectation(f);
      const want = Object.fromEntries(LISTING.map((p) => [p, expected[p]]));
      expect((byIds.list as Args[])[i], f).toEqual(want);
      expect(everyOne.get(ids[i]), f).toEqual(want);
    });
  });

  it('writes receivedAt as a UTCDate with a fraction only when it is not zero, on either path (RFC 8620 1.4)', async () => {
    const blobIds = await uploadAll(w, [
      rfc5322({ id: 'fraction-1@example.com', subject: 'Fraction' }),
      rfc5322({ id: 'fraction-2@example.com', subject: 'Whole second' }),
    ]);
    const dates = ['2025-03-01T10:00:00.250Z', '2025-03-01T10:00:01Z'];
    const [a, b] = await importBlobs(w, blobIds, (i) => ({ receivedAt: dates[i] }));
    for (const properties of [['receivedAt'], ['receivedAt', 'header:Subject:asText']]) {
      const r = await ok(w, 'Email/get', { ids: [a.id, b.id], properties });
      expect(
        (r.list as Args[]).map((e) => e.receivedAt),
        properties.join(),
      ).toEqual(dates);
    }
    await ok(w, 'Email/set', { destroy: [a.id, b.id] });
  });

  it('returns the RFC 8621 4.2 default properties when properties is null', async () => {
    const r = await ok(w, 'Email/get', { ids: [created.get('003-alternative.eml')!.id] });
    const email = (r.list as Args[])[0];
    expect(Object.keys(email).sort()).toEqual(
      [
        'id',
        'blobId',
        'threadId',
        'mailboxIds',
        'keywords',
        'size',
        'receivedAt',
        'messageId',
        'inReplyTo',
        'references',
        'sender',
        'from',
        'to',
        'cc',
        'bcc',
        'replyTo',
        'subject',
        'sentAt',
        'hasAttachment',
        'preview',
        'bodyValues',
        'textBody',
        'htmlBody',
        'attachments',
      ].sort(),
    );
    expect(email.bodyValues).toEqual({});
  });
});

describe('Email/get arguments (RFC 8621 4.2)', () => {
  const id = () => created.get('006-rfc8621-example-tree.eml')!.id;

  it('answers header:{name}:as{form}[:all] with the request capitalisation, and bodyProperties per part', async () => {
    const r = await ok(w, 'Email/get', {
      ids: [id()],
      properties: [
        'header:SUBJECT:asText',
        'header:from:asAddresses:all',
        'header:X-Missing',
        'header:X-Missing:all',
        'textBody',
      ],
      bodyProperties: ['partId', 'type', 'header:Content-Type', 'subParts'],
    });
    const email = (r.list as Args[])[0];
    expect(email['header:SUBJECT:asText']).toEqual(expect.any(String));
    expect(email['header:from:asAddresses:all']).toEqual([
      [expect.objectContaining({ email: expect.any(String) })],
    ]);
    expect(email['header:X-Missing']).toBeNull();
    expect(email['header:X-Missing:all']).toEqual([]);
    for (const part of email.textBody as Args[])
      expect(Object.keys(part).sort()).toEqual(['header:Content-Type', 'partId', 'subParts', 'type']);
  });

  it('rejects a forbidden header form and an unknown property with invalidArguments', async () => {
    for (const properties of [
      ['header:From:asDate'],
      ['header:Subject:asAddresses'],
      ['colour'],
      ['header:X:asNope'],
    ]) {
      const [name, r] = await call(w, 'Email/get', { ids: [id()], properties });
      expect([name, r.type], JSON.stringify(properties)).toEqual(['error', 'invalidArguments']);
    }
    const [name, r] = await call(w, 'Email/get', { ids: [id()], bodyProperties: ['header:From:asDate'] });
    expect([name, r.type]).toEqual(['error', 'invalidArguments']);
  });

  it('fetches every text part with fetchAllBodyValues and truncates to maxBodyValueBytes', async () => {
    const r = await ok(w, 'Email/get', {
      ids: [id()],
      properties: ['bodyValues', 'bodyStructure'],
      fetchAllBodyValues: true,
      maxBodyValueBytes: 5,
    });
    const email = (r.list as Args[])[0];
    const textParts: string[] = [];
    const walk = (p: Args) => {
      if (p.partId && String(p.type).startsWith('text/')) textParts.push(p.partId as string);
      (p.subParts as Args[] | undefined)?.forEach(walk);
    };
    walk(email.bodyStructure as Args);
    expect(Object.keys(email.bodyValues as Args).sort()).toEqual(textParts.sort());
    for (const v of Object.values(email.bodyValues as Record<string, Args>))
      expect(Buffer.byteLength(v.value as string)).toBeLessThanOrEqual(5);
  });

  it('answers notFound for unknown ids and an empty list for ids: []', async () => {
    expect(await ok(w, 'Email/get', { ids: ['Enope'] })).toMatchObject({ list: [], notFound: ['Enope'] });
    expect(await ok(w, 'Email/get', { ids: [] })).toMatchObject({ list: [], notFound: [] });
  });
});

describe('part blobs, Email/parse and Blob/copy', () => {
  const attached = () => created.get('013-message-rfc822-attachment.eml')!;

  async function attachedPart(): Promise<Args> {
    const r = await ok(w, 'Email/get', { ids: [attached().id], properties: ['attachments'] });
    return ((r.list as Args[])[0].attachments as Args[]).find((p) => p.type === 'message/rfc822')!;
  }

  it('downloads a part blob decoded, readable only by the account that can read the message', async () => {
    const part = await attachedPart();
    const res = await w.client.download(w.accountId, part.blobId as string, 'attached.eml', 'message/rfc822');
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(part.size);
    expect(res.body.toString('latin1')).toMatch(/^[\s\S]*Subject:/);
    const ranged = await w.client.download(w.accountId, part.blobId as string, 'attached.eml', undefined, {
      range: 'bytes=0-3',
    });
    expect([ranged.status, ranged.body.toString('latin1')]).toEqual([
      206,
      res.body.subarray(0, 4).toString('latin1'),
    ]);
    const stranger = await w.stack.createAccount('stranger@example.com', 'stranger-password');
    const other = w.client.as({ email: 'stranger@example.com', password: 'stranger-password' });
    expect((await other.download(stranger.accountId, part.blobId as string, 'x')).status).toBe(404);
  });

  it('parses an attached message by its part blob id; its parts get blob ids that extend it', async () => {
    const part = await attachedPart();
    const r = await ok(w, 'Email/parse', {
      blobIds: [part.blobId, 'Gnope'],
      properties: ['id', 'blobId', 'subject', 'textBody', 'mailboxIds'],
      fetchTextBodyValues: true,
    });
    const parsed = (r.parsed as Record<string, Args>)[part.blobId as string];
    expect(parsed).toMatchObject({
      id: null,
      blobId: part.blobId,
      mailboxIds: null,
      subject: expect.any(String),
    });
    const inner = (parsed.textBody as Args[])[0];
    expect(inner.blobId).toBe(`${part.blobId as string}_${inner.partId as string}`);
    expect((await w.client.download(w.accountId, inner.blobId as string, 'inner.txt')).status).toBe(200);
    expect(r.notFound).toEqual(['Gnope']);
  });

  it('answers notParsable for a blob with no header field', async () => {
    const blobId = await upload(w, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    expect(await ok(w, 'Email/parse', { blobIds: [blobId] })).toMatchObject({
      parsed: null,
      notParsable: [blobId],
      notFound: null,
    });
  });

  it('imports an attached message from its part blob as an email of its own, with a blob of its own octets', async () => {
    const part = await attachedPart();
    const r = await ok(w, 'Email/import', {
      emails: { inner: { blobId: part.blobId, mailboxIds: { [w.roles.archive]: true } } },
    });
    const c = (r.created as Record<string, Args>).inner;
    expect(c.blobId).toMatch(/^G[0-9a-f]{64}$/);
    expect(c.size).toBe(part.size);
    const raw = await w.client.download(w.accountId, c.blobId as string, 'inner.eml');
    expect(raw.status).toBe(200);
    expect(raw.body.length).toBe(part.size);
  });

  it('Blob/copy gives another account the octets of a part blob as a blob of its own', async () => {
    const part = await attachedPart();
    const { accountId: team } = await w.stack.createAccount('team@example.com', 'team-password');
    await w.stack.db.query('INSERT INTO account_access (principal_id, account_id) VALUES ($1, $2)', [
      w.principalId,
      team,
    ]);
    const [, r] = await call(w, 'Blob/copy', {
      fromAccountId: w.accountId,
      accountId: team,
      blobIds: [part.blobId, 'Pnope'],
    });
    const copy = (r.copied as Record<string, string>)[part.blobId as string];
    expect(copy).toMatch(/^G[0-9a-f]{64}$/);
    expect(r.notCopied).toMatchObject({ Pnope: { type: 'notFound' } });
    const there = await w.client.download(team, copy, 'copy.eml');
    const here = await w.client.download(w.accountId, part.blobId as string, 'part.eml');
    expect([there.status, there.body.equals(here.body)]).toEqual([200, true]);
  });
});

describe('Email/import errors (RFC 8621 4.8)', () => {
  it('refuses each bad import on its own with the SetError the RFC names, importing the good ones', async () => {
    const good = await upload(w, rfc5322({ id: 'errors-good@example.com', subject: 'Fine' }));
    const junk = await upload(w, Buffer.from([0, 1, 2, 3]));
    const dup = created.get('001-plain-ascii.eml')!;
    const r = await ok(w, 'Email/import', {
      emails: {
        good: { blobId: good, mailboxIds: { [w.roles.inbox]: true }, keywords: { $SEEN: true } },
        noBlob: { blobId: 'Gffff', mailboxIds: { [w.roles.inbox]: true } },
        noMailbox: { blobId: good, mailboxIds: { Mnope: true } },
        noMailboxes: { blobId: good, mailboxIds: {} },
        badKeyword: { blobId: good, mailboxIds: { [w.roles.inbox]: true }, keywords: { 'a b': true } },
        badDate: {
          blobId: good,
          mailboxIds: { [w.roles.inbox]: true },
          receivedAt: '2025-01-01T00:00:00+01:00',
        },
        unknownProp: { blobId: good, mailboxIds: { [w.roles.inbox]: true }, colour: 'red' },
        unresolved: { blobId: good, mailboxIds: { '#nope': true } },
        duplicate: { blobId: dup.blobId, mailboxIds: { [w.roles.inbox]: true } },
        notEmail: { blobId: junk, mailboxIds: { [w.roles.inbox]: true } },
      },
    });
    expect(Object.keys(r.created as Args)).toEqual(['good']);
    expect(r.notCreated).toMatchObject({
      noBlob: { type: 'invalidProperties', properties: ['blobId'] },
      noMailbox: { type: 'invalidProperties', properties: ['mailboxIds'] },
      noMailboxes: { type: 'invalidProperties', properties: ['mailboxIds'] },
      badKeyword: { type: 'invalidProperties', properties: ['keywords'] },
      badDate: { type: 'invalidProperties', properties: ['receivedAt'] },
      unknownProp: { type: 'invalidProperties', properties: ['colour'] },
      unresolved: { type: 'invalidProperties', properties: ['mailboxIds'] },
      duplicate: { type: 'alreadyExists', existingId: dup.id },
      notEmail: { type: 'invalidEmail' },
    });
    const id = (r.created as Record<string, Args>).good.id;
    const got = await ok(w, 'Email/get', { ids: [id], properties: ['keywords', 'receivedAt'] });
    expect((got.list as Args[])[0].keywords).toEqual({ $seen: true });
  });

  it('answers stateMismatch for a stale ifInState and returns old and new states otherwise', async () => {
    const blobId = await upload(w, rfc5322({ id: 'state@example.com', subject: 'State' }));
    const emails = { s: { blobId, mailboxIds: { [w.roles.inbox]: true } } };
    const [name, err] = await call(w, 'Email/import', { ifInState: '1', emails });
    expect([name, err.type]).toEqual(['error', 'stateMismatch']);
    const state = (await ok(w, 'Email/get', { ids: [] })).state as string;
    const r = await ok(w, 'Email/import', { ifInState: state, emails });
    expect(r.oldState).toBe(state);
    expect(Number(r.newState)).toBeGreaterThan(Number(state));
  });

  it('defaults receivedAt to the newest Received date, and resolves a mailbox created earlier in the request', async () => {
    const raw = [
      'Received: from mx by mail; Tue, 7 Jan 2025 10:00:00 +0100',
      'Received: from a by mx; Tue, 7 Jan 2025 09:00:00 +0100',
      rfc5322({ id: 'recv@example.com', subject: 'Received' }),
    ].join('\r\n');
    const blobId = await upload(w, raw);
    const res = await w.client.api(
      ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'],
      [
        ['Mailbox/set', { accountId: w.accountId, create: { box: { name: 'Imported' } } }, 'a'],
        [
          'Email/import',
          { accountId: w.accountId, emails: { e: { blobId, mailboxIds: { '#box': true } } } },
          'b',
        ],
      ],
    );
    const mailboxId = (res.body.methodResponses[0][1].created as Record<string, Args>).box.id as string;
    const id = (res.body.methodResponses[1][1].created as Record<string, Args>).e.id as string;
    const got = await ok(w, 'Email/get', { ids: [id], properties: ['receivedAt', 'mailboxIds'] });
    expect((got.list as Args[])[0]).toMatchObject({
      receivedAt: '2025-01-07T09:00:00Z',
      mailboxIds: { [mailboxId]: true },
    });
  });
});
