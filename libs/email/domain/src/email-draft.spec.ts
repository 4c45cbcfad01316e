/** Email/set create objects checked against the constraints of RFC 8621 4.6. */
import { describe, expect, it } from 'vitest';
import { parseDraft } from './email-draft.js';

const refs = { resolve: (ref: string) => ({ box: 'Mbox', up: 'Gup' })[ref] ?? null };
const base = { mailboxIds: { M1: true } };
const parse = (obj: Record<string, unknown>) => parseDraft('c', obj, refs);
const error = (obj: Record<string, unknown>) => {
  const r = parse(obj);
  if (!('error' in r)) throw new Error('expected an error');
  return r.error;
};

describe('parseDraft (RFC 8621 4.6)', () => {
  it('builds alternative, related and mixed from textBody, htmlBody and attachments', () => {
    const r = parse({
      mailboxIds: { '#box': true },
      keywords: { $Draft: true },
      from: [{ name: 'A', email: 'a@x.org' }],
      subject: 'Hi',
      textBody: [{ partId: 't' }],
      htmlBody: [{ partId: 'h' }],
      attachments: [
        { blobId: '#up', type: 'image/png', cid: 'i@x' },
        { blobId: 'Gfile', type: 'application/pdf', name: 'f.pdf' },
      ],
      bodyValues: { t: { value: 'text' }, h: { value: '<p>html</p>' } },
    });
    if (!('item' in r)) throw new Error(JSON.stringify(r.error));
    expect(r.item.mailboxIds).toEqual(['Mbox']);
    expect(r.item.keywords).toEqual(['$draft']);
    expect(r.item.message.headers).toEqual([
      { name: 'From', value: ' A <a@x.org>' },
      { name: 'Subject', value: ' Hi' },
    ]);
    const body = r.item.message.body;
    expect(body.type).toBe('multipart/mixed');
    const [related, file] = body.subParts!;
    expect(related.type).toBe('multipart/related');
    expect(related.subParts!.map((p) => p.type)).toEqual(['multipart/alternative', 'image/png']);
    expect(related.subParts![1].blobId).toBe('Gup');
    expect(related.subParts![0].subParts!.map((p) => p.text)).toEqual(['text', '<p>html</p>']);
    expect([file.blobId, file.name]).toEqual(['Gfile', 'f.pdf']);
  });

  it('refuses headers, a field named twice, Content-* on the Email and forbidden forms', () => {
    expect(error({ ...base, headers: [] })).toMatchObject({
      type: 'invalidProperties',
      properties: ['headers'],
    });
    expect(error({ ...base, from: [], 'header:From:asAddresses': [] }).properties).toEqual([
      'from',
      'header:From:asAddresses',
    ]);
    expect(error({ ...base, 'header:Content-Type': ' text/plain' }).properties).toEqual([
      'header:Content-Type',
    ]);
    expect(error({ ...base, 'header:Subject:asAddresses': [] }).properties).toEqual([
      'header:Subject:asAddresses',
    ]);
    expect(error({ ...base, sentAt: 'yesterday' }).properties).toEqual(['sentAt']);
  });

  it('refuses bodyStructure with textBody, a wrong textBody type, partId with blobId, and unknown partIds', () => {
    expect(
      error({
        ...base,
        bodyStructure: { partId: 'a' },
        textBody: [{ partId: 'a' }],
        bodyValues: { a: { value: '' } },
      }).properties,
    ).toEqual(['bodyStructure', 'textBody']);
    expect(
      error({ ...base, textBody: [{ partId: 'a', type: 'text/html' }], bodyValues: { a: { value: '' } } }),
    ).toMatchObject({ properties: ['textBody'] });
    expect(
      error({ ...base, textBody: [{ partId: 'a', blobId: 'G1' }], bodyValues: { a: { value: '' } } }),
    ).toMatchObject({ properties: ['textBody'] });
    expect(error({ ...base, textBody: [{ partId: 'zz' }] })).toMatchObject({ properties: ['bodyValues'] });
    expect(
      error({ ...base, textBody: [{ partId: 'a', charset: 'latin1' }], bodyValues: { a: { value: '' } } }),
    ).toMatchObject({ properties: ['textBody'] });
    expect(
      error({ ...base, textBody: [{ partId: 'a' }], bodyValues: { a: { value: '', isTruncated: true } } }),
    ).toMatchObject({ properties: ['bodyValues'] });
    expect(
      error({ ...base, attachments: [{ blobId: 'G1', 'header:Content-Transfer-Encoding': ' base64' }] }),
    ).toMatchObject({ properties: ['attachments'] });
  });

  it('accepts a folded Raw value and refuses one with a bare line break', () => {
    expect('item' in parse({ ...base, 'header:X-Long': ' one\r\n two' })).toBe(true);
    expect(error({ ...base, 'header:X-Bad': ' one\r\nX-Injected: yes' }).properties).toEqual([
      'header:X-Bad',
    ]);
  });

  it('answers blobNotFound with every unresolved blob reference', () => {
    expect(error({ ...base, attachments: [{ blobId: '#nope' }, { blobId: '#up' }] })).toEqual({
      type: 'blobNotFound',
      description: 'A blob reference does not resolve.',
      notFound: ['#nope'],
    });
  });

  it('writes a text/plain part with no content when no body is given', () => {
    const r = parse({ ...base, subject: 'Empty' });
    if (!('item' in r)) throw new Error('expected an item');
    expect([r.item.message.body.type, r.item.message.body.text]).toEqual(['text/plain', '']);
  });
});
