import { describe, expect, it } from 'vitest';
import { decodeBodyText, partContent, truncateValue } from './body-text.js';
import { eml, parse } from './spec-helpers.js';
import { parseMessage } from './parse-message.js';

describe('RFC 8621 4.2 maxBodyValueBytes truncation', () => {
  it('does not truncate when 0 or when the value fits', () => {
    expect(truncateValue('abc', 0, false)).toEqual({ value: 'abc', isTruncated: false });
    expect(truncateValue('abc', 3, false)).toEqual({ value: 'abc', isTruncated: false });
  });

  it('never cuts inside a UTF-8 code point', () => {
    expect(truncateValue('aé€😀', 1, false)).toEqual({ value: 'a', isTruncated: true });
    expect(truncateValue('aé€😀', 2, false).value).toBe('a');
    expect(truncateValue('aé€😀', 3, false).value).toBe('aé');
    expect(truncateValue('aé€😀', 9, false).value).toBe('aé€');
    expect(truncateValue('aé€😀', 10, false).value).toBe('aé€😀');
  });

  it('does not cut inside an HTML tag for text/html', () => {
    expect(truncateValue('<p>Hi <a href="https://example.com">x</a></p>', 20, true)).toEqual({
      value: '<p>Hi ',
      isTruncated: true,
    });
    expect(truncateValue('<p>Hi <a href="https://example.com">x</a></p>', 20, false).value).toBe(
      '<p>Hi <a href="https',
    );
  });
});

describe('RFC 8621 4.1.4 EmailBodyValue', () => {
  it('replaces CRLF with LF and reports truncation', () => {
    const msg = parse('Content-Type: text/plain; charset=utf-8\n\nline one\nline two\n');
    expect(
      decodeBodyText(
        eml('Content-Type: text/plain; charset=utf-8\n\nline one\nline two\n'),
        msg.textBody[0],
        10,
      ),
    ).toEqual({
      value: 'line one\nl',
      isEncodingProblem: false,
      isTruncated: true,
    });
  });

  it('an unknown Content-Transfer-Encoding is identity and an encoding problem', () => {
    const raw = eml('Content-Transfer-Encoding: x-custom\n\nplain');
    const msg = parseMessage(raw);
    expect(partContent(raw, msg.textBody[0]).toString()).toBe('plain');
    expect(decodeBodyText(raw, msg.textBody[0])).toEqual({
      value: 'plain',
      isEncodingProblem: true,
      isTruncated: false,
    });
  });

  it('partContent gives the transfer-decoded octets from the recorded offsets', () => {
    const raw = eml(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: base64\n\nAAEC/w==\n--b--\n',
    );
    const part = parseMessage(raw).bodyStructure.subParts![0];
    expect([...partContent(raw, part)]).toEqual([0, 1, 2, 255]);
    expect(part.size).toBe(4);
    expect(raw.subarray(part.bodyOffset, part.bodyOffset + part.bodyLength).toString()).toBe('AAEC/w==');
    expect(part.encoding).toBe('base64');
  });
});
