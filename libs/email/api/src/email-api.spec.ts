/**
 * The gateway's pure pieces of the Email methods: header properties (RFC 8621 4.1.3), bodyProperties (4.2), the
 * EmailImport checks (4.8) and the shape of Email objects built from stored parts.
 */
import { describe, expect, it } from 'vitest';
import type { StoredBodyPart } from '@jmap/email-contracts';
import { MethodError } from '@jmap/protocol';
import { checkImport } from './email-import.method.js';
import { isHeaderProperty, parseBodyProperties, parseHeaderProperty } from './email-properties.js';
import { emailObject } from './email-view.js';

describe('header properties', () => {
  it('given header:{name}[:as{form}][:all], then the name, the form (Raw by default) and :all', () => {
    expect(parseHeaderProperty('header:Subject')).toEqual({ name: 'Subject', form: 'Raw', all: false });
    expect(parseHeaderProperty('header:List-Post:asURLs:all')).toEqual({
      name: 'List-Post',
      form: 'URLs',
      all: true,
    });
    expect(parseHeaderProperty('header:X-A:all')).toEqual({ name: 'X-A', form: 'Raw', all: true });
  });

  it('given suffixes out of order, an unknown form, an empty or non-printable name, then not a header property', () => {
    for (const p of [
      'header:From:all:asAddresses',
      'header:From:asFoo',
      'header:',
      'header:Fr om',
      'header:From:asaddresses',
      'headers',
      'header:a:b',
    ]) {
      expect(parseHeaderProperty(p), p).toBeNull();
    }
  });

  it('given a form the field may not be parsed as, then invalidArguments (RFC 8621 4.2)', () => {
    expect(() => isHeaderProperty('header:From:asDate')).toThrow(MethodError);
    expect(isHeaderProperty('header:X-Custom:asDate')).toBe(true);
    expect(() => parseBodyProperties(['partId', 'header:Subject:asAddresses'])).toThrow(MethodError);
    expect(() => parseBodyProperties(['colour'])).toThrow(MethodError);
    expect(parseBodyProperties(null)).toContain('blobId');
  });
});

describe('EmailImport checks', () => {
  const created = new Map([['box', 'Mbox']]);
  const check = (obj: Record<string, unknown>) => checkImport('c', obj, created, 2);

  it('given a valid import, then the item with resolved mailboxes, lowercase keywords and a canonical receivedAt', () => {
    expect(
      check({
        blobId: 'Gx',
        mailboxIds: { '#box': true, M1: true },
        keywords: { $Seen: true },
        receivedAt: '2025-01-01T10:00:00.000Z',
      }),
    ).toEqual({
      item: {
        creationId: 'c',
        blobId: 'Gx',
        mailboxIds: ['Mbox', 'M1'],
        keywords: ['$seen'],
        receivedAt: '2025-01-01T10:00:00Z',
      },
    });
  });

  it('given a bad property, then invalidProperties naming it; over maxMailboxesPerEmail, then tooManyMailboxes', () => {
    const bad = (obj: Record<string, unknown>) =>
      'error' in check(obj) ? (check(obj) as { error: { type: string; properties?: string[] } }).error : null;
    expect(bad({ blobId: 'G x', mailboxIds: { M1: true } })).toMatchObject({ properties: ['blobId'] });
    expect(bad({ blobId: 'Gx', mailboxIds: { M1: false } })).toMatchObject({ properties: ['mailboxIds'] });
    expect(bad({ blobId: 'Gx', mailboxIds: { '#unknown': true } })).toMatchObject({
      properties: ['mailboxIds'],
    });
    expect(bad({ blobId: 'Gx', mailboxIds: { M1: true }, keywords: { $seen: 1 } })).toMatchObject({
      properties: ['keywords'],
    });
    expect(bad({ blobId: 'Gx', mailboxIds: { M1: true }, receivedAt: '2025-01-01' })).toMatchObject({
      properties: ['receivedAt'],
    });
    expect(bad({ blobId: 'Gx', mailboxIds: { M1: true }, id: 'E1' })).toMatchObject({ properties: ['id'] });
    expect(bad({ blobId: 'Gx', mailboxIds: { M1: true, M2: true, M3: true } })).toMatchObject({
      type: 'tooManyMailboxes',
    });
  });
});

describe('Email objects from stored parts', () => {
  const leaf = (partId: string, type: string): StoredBodyPart => ({
    partId,
    blobId: `P_${partId}`,
    size: 1,
    headers: [{ name: 'Content-Type', value: ` ${type}` }],
    name: null,
    type,
    charset: null,
    disposition: null,
    cid: null,
    language: null,
    location: null,
    bodyOffset: 0,
    bodyLength: 0,
    encoding: null,
  });
  const tree: StoredBodyPart = {
    ...leaf('x', 'multipart/mixed'),
    partId: null,
    blobId: null,
    subParts: [leaf('1', 'text/plain'), leaf('2', 'image/png')],
  };
  const email = {
    id: 'E1',
    bodyStructure: tree,
    textBody: ['1'],
    htmlBody: ['1'],
    attachments: ['2'],
    mailboxIds: ['M1'],
    keywords: [],
    headers: [],
  };
  const opts = {
    fetchTextBodyValues: false,
    fetchHTMLBodyValues: false,
    fetchAllBodyValues: false,
    maxBodyValueBytes: 0,
  };

  it('given bodyStructure, then multiparts keep their subParts even when bodyProperties leaves subParts out', () => {
    const o = emailObject(
      email,
      { ...opts, properties: ['bodyStructure', 'attachments'], bodyProperties: ['partId', 'type'] },
      null,
    );
    expect(o.bodyStructure).toEqual({
      partId: null,
      type: 'multipart/mixed',
      subParts: [
        { partId: '1', type: 'text/plain' },
        { partId: '2', type: 'image/png' },
      ],
    });
    expect(o.attachments).toEqual([{ partId: '2', type: 'image/png' }]);
  });

  it('given subParts and header properties in bodyProperties, then leaves get subParts null and the header values', () => {
    const o = emailObject(
      email,
      {
        ...opts,
        properties: ['textBody', 'mailboxIds', 'keywords'],
        bodyProperties: ['subParts', 'header:content-type:all'],
      },
      null,
    );
    expect(o).toEqual({
      textBody: [{ subParts: null, 'header:content-type:all': [' text/plain'] }],
      mailboxIds: { M1: true },
      keywords: {},
    });
  });
});
