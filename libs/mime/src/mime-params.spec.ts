import { describe, expect, it } from 'vitest';
import { parseStructured } from './mime-params.js';
import { partProps } from './part-props.js';

const params = (raw: string) => Object.fromEntries(parseStructured(raw).params);

describe('MIME parameters (RFC 2045 5.1) and RFC 2231', () => {
  it('lowercases the value and parameter names, unquotes values and drops comments', () => {
    expect(parseStructured(' Text/HTML (a comment) ; Charset="UTF-8"; x=y')).toEqual({
      value: 'text/html',
      params: new Map([
        ['charset', 'UTF-8'],
        ['x', 'y'],
      ]),
    });
  });

  it('RFC 2231 section 3: continuations are joined in order', () => {
    expect(
      params(
        ' message/external-body; access-type=URL;\r\n URL*0="ftp://";\r\n URL*1="cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"',
      ),
    ).toMatchObject({
      url: 'ftp://cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar',
    });
  });

  it('RFC 2231 section 4: charset and language, percent-encoded', () => {
    expect(params(" application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A")).toEqual({
      title: 'This is ***fun***',
    });
  });

  it('RFC 2231 section 4.1: continuations mixing encoded and plain segments', () => {
    const raw =
      " application/x-stuff; title*0*=us-ascii'en'This%20is%20even%20more%20; title*1*=%2A%2A%2Afun%2A%2A%2A%20; title*2=\"isn't it!\"";
    expect(params(raw)).toEqual({ title: "This is even more ***fun*** isn't it!" });
  });

  it('decodes UTF-8 and legacy charsets; the RFC 2231 form wins over a plain parameter', () => {
    expect(params(" attachment; filename=plain.txt; filename*=utf-8''%E2%82%AC.txt")).toEqual({
      filename: '€.txt',
    });
    expect(params(" attachment; filename*=iso-8859-1''%E9t%E9.txt")).toEqual({ filename: 'été.txt' });
  });

  it('keeps semicolons inside quoted strings', () => {
    expect(params(' attachment; filename="a;b.txt"')).toEqual({ filename: 'a;b.txt' });
  });
});

describe('RFC 8621 4.1.4 EmailBodyPart properties from header fields', () => {
  const h = (...fields: [string, string][]) => fields.map(([name, value]) => ({ name, value }));

  it('defaults to text/plain; charset us-ascii without Content-Type', () => {
    expect(partProps([], 'text/plain')).toMatchObject({
      type: 'text/plain',
      charset: 'us-ascii',
      name: null,
      disposition: null,
    });
  });

  it('charset is null for a non-text type without a charset parameter', () => {
    expect(partProps(h(['Content-Type', ' image/png']), 'text/plain').charset).toBeNull();
    expect(partProps([], 'message/rfc822')).toMatchObject({ type: 'message/rfc822', charset: null });
  });

  it('name: the Content-Disposition filename (RFC 2231), else the Content-Type name (RFC 2047)', () => {
    const both = h(
      ['Content-Type', ' a/b; name="=?utf-8?q?n=C3=A4me?="'],
      ['Content-Disposition', ' attachment; filename="file.txt"'],
    );
    expect(partProps(both, 'text/plain').name).toBe('file.txt');
    expect(partProps(both.slice(0, 1), 'text/plain').name).toBe('näme');
  });

  it('cid without CFWS and angle brackets; language as a list; location unfolded', () => {
    const props = partProps(
      h(
        ['Content-ID', ' (x) < a@b >'],
        ['Content-Language', ' en, de-CH'],
        ['Content-Location', ' http://x/\r\n y'],
      ),
      'text/plain',
    );
    expect(props).toMatchObject({ cid: 'a@b', language: ['en', 'de-CH'], location: 'http://x/y' });
  });

  it('uses the first of duplicate Content-Type fields', () => {
    expect(
      partProps(h(['Content-Type', ' text/html'], ['Content-Type', ' text/plain']), 'text/plain').type,
    ).toBe('text/html');
  });
});
