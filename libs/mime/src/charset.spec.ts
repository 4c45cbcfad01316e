import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCharset, isKnownCharset } from './charset.js';
import { decodeIso2022Jp } from './iso-2022-jp.js';

const SAMPLES: [string, string][] = [
  ['windows-1250', 'Zażółć gęślą jaźń'],
  ['windows-1251', 'Съешь же ещё'],
  ['windows-1252', '“quotes” – €'],
  ['windows-1253', 'Ελληνικά'],
  ['windows-1254', 'Pijamalı hasta yağız'],
  ['windows-1255', 'דג סקרן'],
  ['windows-1256', 'العربية'],
  ['windows-1257', 'Įlinkdama špaga'],
  ['windows-1258', 'Tôi ăn'],
  ['iso-8859-1', 'café'],
  ['iso-8859-2', 'Příliš'],
  ['iso-8859-3', 'Ĉu ĝi'],
  ['iso-8859-4', 'Ģimene'],
  ['iso-8859-5', 'Широкая'],
  ['iso-8859-6', 'عربي'],
  ['iso-8859-7', 'Γαζέες'],
  ['iso-8859-8', 'עטלף'],
  ['iso-8859-9', 'Şişli'],
  ['iso-8859-10', 'Þú ŋ'],
  ['iso-8859-11', 'ภาษาไทย'],
  ['iso-8859-13', 'Įžūlūs'],
  ['iso-8859-14', 'Ŵ ŷ'],
  ['iso-8859-15', '10 € œ'],
  ['iso-8859-16', 'Înșir ț'],
  ['gb2312', '我能吞下玻璃'],
  ['gbk', '繁體字'],
  ['gb18030', '表情 😀'],
  ['big5', '我能吞下玻璃'],
  ['koi8-r', 'В чащах юга'],
  ['koi8-u', 'Чуєш їх ґ'],
  ['shift_jis', 'ソ表の本文'],
  ['euc-jp', '日本語'],
  ['euc-kr', '한국어'],
];

describe('charset decoding for RFC 8621 4.1.4 bodyValues', () => {
  it.each(SAMPLES)('%s decodes without an encoding problem', (charset, text) => {
    expect(decodeCharset(iconv.encode(text, charset), charset)).toEqual({ text, problem: false });
  });

  it('iso-2022-jp (which iconv-lite lacks) decodes through EUC-JP', () => {
    const jis = Buffer.from('1b2442242224241b2842206162', 'hex'); // ESC $ B "あい" ESC ( B " ab"
    expect(decodeCharset(jis, 'ISO-2022-JP')).toEqual({ text: 'あい ab', problem: false });
  });

  it('iso-2022-jp: a line break inside a two-octet run or an unknown escape is a problem', () => {
    expect(decodeIso2022Jp(Buffer.from('1b2442246224\n41', 'hex')).problem).toBe(true);
    expect(decodeIso2022Jp(Buffer.from('1b24414141', 'hex')).problem).toBe(true);
  });

  it('utf-16: a BOM picks the byte order, none means big-endian (RFC 2781 4.3)', () => {
    expect(decodeCharset(Buffer.from('fffe41004200', 'hex'), 'utf-16').text).toBe('AB');
    expect(decodeCharset(Buffer.from('00410042', 'hex'), 'utf-16').text).toBe('AB');
    expect(decodeCharset(Buffer.from('410042', 'hex'), 'utf-16le').problem).toBe(true);
  });

  it('malformed UTF-8 gives U+FFFD and a problem', () => {
    expect(decodeCharset(Buffer.from([0x61, 0xc3, 0x28]), 'utf-8')).toEqual({
      text: 'a\uFFFD(',
      problem: true,
    });
  });

  it('octets a single-byte charset leaves undefined are a problem', () => {
    expect(decodeCharset(Buffer.from([0x41, 0x81]), 'windows-1252').problem).toBe(true);
  });

  it('undeclared or us-ascii 8-bit text: UTF-8 if valid, else windows-1252 with a problem', () => {
    expect(decodeCharset(Buffer.from('café'), null)).toEqual({ text: 'café', problem: false });
    expect(decodeCharset(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'us-ascii')).toEqual({
      text: 'café',
      problem: true,
    });
  });

  it('an unknown charset is decoded heuristically and is always a problem', () => {
    expect(decodeCharset(Buffer.from('abc'), 'x-klingon')).toEqual({ text: 'abc', problem: true });
  });

  it('refuses UTF-7, which smuggles markup past filters, like an unknown charset', () => {
    expect(isKnownCharset('utf-7')).toBe(false);
    expect(decodeCharset(Buffer.from('+ADw-script+AD4-'), 'UTF-7')).toEqual({
      text: '+ADw-script+AD4-',
      problem: true,
    });
  });

  it('accepts common aliases', () => {
    for (const name of ['UTF8', 'latin1', 'cp1252', 'win-1251', 'x-sjis', 'ks_c_5601-1987', '"utf-8"'])
      expect(isKnownCharset(name)).toBe(true);
  });
});
