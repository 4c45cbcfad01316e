import { describe, expect, it } from 'vitest';
import { decodeBase64, decodeQuotedPrintable } from './transfer-encoding.js';

const qp = (s: string) => decodeQuotedPrintable(Buffer.from(s, 'latin1')).toString('latin1');
const b64 = (s: string) => decodeBase64(Buffer.from(s, 'latin1')).toString('latin1');

describe('RFC 2045 6.7 quoted-printable', () => {
  it('decodes =XX (either case), soft line breaks with CRLF or LF, and transport padding', () => {
    expect(qp('a=3D=3db=\r\nc=\nd= \t\r\ne')).toBe('a==bcde');
  });

  it('deletes white space at the end of a line but keeps it elsewhere', () => {
    expect(qp('a b  \r\nc\t\nd ')).toBe('a b\r\nc\nd');
  });

  it('keeps a malformed "=" as it is', () => {
    expect(qp('=ZZ =4 = x=')).toBe('=ZZ =4 = x');
  });
});

describe('RFC 2045 6.8 base64', () => {
  it('ignores characters outside the alphabet and line breaks', () => {
    expect(b64('SGVs\r\nbG8*!gd29y bGQ=')).toBe('Hello world');
  });

  it('decodes what a cut-short final quantum determines, and goes on after "=" padding', () => {
    expect(b64('SGk')).toBe('Hi');
    expect(b64('SGk=SGk=')).toBe('HiHi');
    expect(b64('S')).toBe('');
  });
});

describe('base64 fast path', () => {
  it('gives the same octets as the tolerant decoder for clean input of every length', () => {
    for (let n = 0; n < 64; n++) {
      const data = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      const encoded = data.toString('base64');
      expect(decodeBase64(Buffer.from(encoded.replace(/.{1,7}/g, '$&\r\n')))).toEqual(data);
      expect(decodeBase64(Buffer.from(encoded.replace(/=+$/, '')))).toEqual(data);
    }
  });
});
