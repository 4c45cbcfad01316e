import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, decodeEncodedWordsLenient } from './encoded-words.js';

describe('RFC 2047 encoded words (as RFC 8621 4.1.2.2 requires)', () => {
  // RFC 2047 section 8, the examples of white space between encoded words.
  it.each([
    ['=?ISO-8859-1?Q?a?=', 'a'],
    ['=?ISO-8859-1?Q?a?= b', 'a b'],
    ['=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=', 'ab'],
    ['=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=', 'ab'],
    ['=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=', 'ab'],
    ['=?ISO-8859-1?Q?a_b?=', 'a b'],
    ['=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=', 'a b'],
  ])('RFC 2047 section 8: %j -> %j', (input, output) => {
    expect(decodeEncodedWords(input)).toBe(output);
  });

  it('decodes B and Q, any case, and an RFC 2231 language suffix', () => {
    expect(decodeEncodedWords('=?utf-8?b?w6k=?= =?UTF-8*fr?q?=C3=A9?=')).toBe('éé');
  });

  it('joins the octets of adjacent words in one charset, so a character split between them survives', () => {
    expect(decodeEncodedWords('=?utf-8?q?=E2=82?= =?utf-8?q?=AC?=')).toBe('€');
  });

  it('leaves words in unknown charsets, malformed words, and UTF-7 as they are', () => {
    for (const word of [
      '=?x-unknown?q?a?=',
      '=?utf-8?b?@@@@?=',
      '=?utf-8?q?=ZZ?=',
      '=?utf-7?q?+ADw-?=',
      '=?utf-8?x?a?=',
    ]) {
      expect(decodeEncodedWords(`a ${word} b`)).toBe(`a ${word} b`);
    }
  });

  it('does not decode a word that is not delimited by white space (RFC 2047 5 (1))', () => {
    expect(decodeEncodedWords('x=?utf-8?q?a?= =?utf-8?q?b?=y')).toBe('x=?utf-8?q?a?= =?utf-8?q?b?=y');
  });

  it('decodes legacy and Japanese charsets', () => {
    expect(decodeEncodedWords('=?iso-2022-jp?B?GyRCMnE1RBsoQg==?=')).toBe('会議');
    expect(decodeEncodedWords('=?koi8-r?Q?=F0=D2=C9=D7=C5=D4?=')).toBe('Привет');
    expect(decodeEncodedWords('=?windows-1252?Q?=80?=')).toBe('€');
  });

  it('parameter values are decoded leniently: inside quotes and run together (mailer practice)', () => {
    expect(decodeEncodedWordsLenient('=?utf-8?q?a?==?utf-8?q?b?=.pdf')).toBe('ab.pdf');
    expect(decodeEncodedWordsLenient('file =?utf-8?q?=C3=A9?=')).toBe('file é');
  });
});
