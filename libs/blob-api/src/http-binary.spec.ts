import { describe, expect, it } from 'vitest';
import { contentDisposition, etagListMatches, isSafeHeaderValue, parseRange } from './http-binary.js';

describe('parseRange (RFC 7233 section 2.1)', () => {
  it('reads a closed range, clamping its end to the last octet', () => {
    expect(parseRange('bytes=10-19', 256)).toEqual({ kind: 'range', start: 10, end: 19 });
    expect(parseRange('bytes=250-999', 256)).toEqual({ kind: 'range', start: 250, end: 255 });
  });

  it('reads an open range to the end and a suffix range', () => {
    expect(parseRange('bytes=250-', 256)).toEqual({ kind: 'range', start: 250, end: 255 });
    expect(parseRange('bytes=-4', 256)).toEqual({ kind: 'range', start: 252, end: 255 });
    expect(parseRange('bytes=-1000', 256)).toEqual({ kind: 'range', start: 0, end: 255 });
  });

  it('answers unsatisfiable for a range starting past the end, a zero suffix and any range of an empty blob', () => {
    expect(parseRange('bytes=256-', 256)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=300-400', 256)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 256)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-5', 0)).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores what it does not serve: no header, other units, several ranges, invalid ranges', () => {
    for (const header of [
      undefined,
      'items=0-5',
      'bytes=0-1,4-5',
      'bytes=9-3',
      'bytes=-',
      'bytes=a-b',
      'bytes 0-5',
    ]) {
      expect(parseRange(header, 256)).toEqual({ kind: 'none' });
    }
  });
});

describe('contentDisposition (RFC 6266, RFC 8187; RFC 8620 section 6.2)', () => {
  it('sends a plain ASCII name as the quoted filename', () => {
    expect(contentDisposition('report 2024.pdf')).toBe('attachment; filename="report 2024.pdf"');
  });

  it('sends a non-ASCII name UTF-8 percent-encoded in filename*, with an ASCII fallback', () => {
    expect(contentDisposition('Grüße 📎.txt')).toBe(
      `attachment; filename="Gru_e _.txt"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%F0%9F%93%8E.txt`,
    );
  });

  it('never lets quotes, backslashes or line breaks into the header', () => {
    const header = contentDisposition('a"b\\c\r\nSet-Cookie: x.txt');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toContain(`filename="a_b_c__Set-Cookie: x.txt"`);
    expect(header).toContain(`filename*=UTF-8''a%22b%5Cc%0D%0ASet-Cookie%3A%20x.txt`);
  });

  it("percent-encodes the characters RFC 8187 does not allow bare in filename* (' ( ) *)", () => {
    expect(contentDisposition("it's (1)*.ü")).toContain(`filename*=UTF-8''it%27s%20%281%29%2A.%C3%BC`);
  });
});

describe('etagListMatches (RFC 7232 section 3.2)', () => {
  const etag = '"Gabc"';
  it('matches the tag alone, in a list, weakly, or "*"', () => {
    expect(etagListMatches('"Gabc"', etag)).toBe(true);
    expect(etagListMatches('"x", "Gabc"', etag)).toBe(true);
    expect(etagListMatches('W/"Gabc"', etag)).toBe(true);
    expect(etagListMatches('*', etag)).toBe(true);
  });

  it('does not match another tag or a missing header', () => {
    expect(etagListMatches('"Gabd"', etag)).toBe(false);
    expect(etagListMatches(undefined, etag)).toBe(false);
  });
});

describe('isSafeHeaderValue', () => {
  it('accepts media types with parameters and refuses line breaks, control and non-ASCII characters', () => {
    expect(isSafeHeaderValue('text/plain; charset=utf-8')).toBe(true);
    expect(isSafeHeaderValue('application/vnd.example+json')).toBe(true);
    for (const bad of ['', 'text/plain\r\nX-Evil: 1', 'text/\u0000plain', 'tëxt/plain', ' text/plain'])
      expect(isSafeHeaderValue(bad)).toBe(false);
  });
});
