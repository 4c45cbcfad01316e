import { describe, expect, it } from 'vitest';
import { parse } from './spec-helpers.js';
import { parseMessage } from './parse-message.js';

describe('header blocks (RFC 5322 2.2) as RFC 8621 4.1.3 headers', () => {
  it('accepts bare LF and mixed line endings (rfc-clarifications Q15)', () => {
    const parsed = parseMessage(Buffer.from('A: 1\nB: 2\r\n folded\nC: 3\n\nbody'));
    expect(parsed.headers).toEqual([
      { name: 'A', value: ' 1' },
      { name: 'B', value: ' 2\r\n folded' },
      { name: 'C', value: ' 3' },
    ]);
  });

  it('RFC 8621 4.1.2.1: invalid UTF-8 becomes U+FFFD and NUL is dropped', () => {
    const parsed = parseMessage(
      Buffer.concat([Buffer.from('Subject: a'), Buffer.from([0xff, 0x00]), Buffer.from('b\n\n')]),
    );
    expect(parsed.headers[0].value).toBe(' a\uFFFDb');
  });

  it('skips a leading mbox "From " line', () => {
    expect(parse('From a@b Mon Jan 1 00:00:00 2024\nSubject: x\n\nbody').headers).toEqual([
      { name: 'Subject', value: ' x' },
    ]);
  });

  it('ends the header block at a line that is not a header field', () => {
    const parsed = parse('Subject: x\nnot a header\nX: y\n\nbody');
    expect(parsed.headers).toEqual([{ name: 'Subject', value: ' x' }]);
    expect(parsed.problems).toHaveLength(1);
  });

  it('a message without a blank line is all header', () => {
    const parsed = parse('Subject: x');
    expect(parsed.bodyStructure).toMatchObject({ size: 0, headers: [{ name: 'Subject', value: ' x' }] });
  });
});

describe('a UTF-8 byte order mark before the header', () => {
  it('is skipped so that the first field is still read', () => {
    const parsed = parseMessage(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Subject: x\n\nbody')]),
    );
    expect(parsed.headers).toEqual([{ name: 'Subject', value: ' x' }]);
  });
});
