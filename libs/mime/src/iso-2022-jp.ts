/**
 * ISO-2022-JP (RFC 1468), which iconv-lite does not support. Each 7-bit JIS sequence maps one to one onto
 * EUC-JP, which iconv-lite does decode: JIS X 0208 pairs get the high bit set, half-width katakana get the 0x8E
 * prefix and JIS X 0212 (ISO-2022-JP-1) pairs the 0x8F prefix.
 */
import iconv from 'iconv-lite';

type Mode = 'ascii' | 'jis0208' | 'kana' | 'jis0212';

const ESC = 0x1b;
/** An octet EUC-JP never uses, so that iconv-lite emits U+FFFD where the input was malformed. */
const INVALID = 0xff;

const ESCAPES: [number[], Mode][] = [
  [[0x28, 0x42], 'ascii'], // ESC ( B
  [[0x28, 0x4a], 'ascii'], // ESC ( J, JIS X 0201 Roman: read as ASCII, as most mail readers do
  [[0x28, 0x49], 'kana'], // ESC ( I
  [[0x24, 0x40], 'jis0208'], // ESC $ @
  [[0x24, 0x42], 'jis0208'], // ESC $ B
  [[0x24, 0x28, 0x44], 'jis0212'], // ESC $ ( D
];

function readEscape(input: Uint8Array, i: number): { mode: Mode; length: number } | null {
  for (const [seq, mode] of ESCAPES) {
    if (seq.every((b, k) => input[i + 1 + k] === b)) return { mode, length: seq.length + 1 };
  }
  return null;
}

const inPair = (c: number | undefined) => c !== undefined && c >= 0x21 && c <= 0x7e;

function convertByte(input: Uint8Array, i: number, mode: Mode, out: number[]): number {
  const c = input[i];
  if (mode === 'ascii') {
    out.push(c < 0x80 ? c : INVALID);
    return 1;
  }
  if (mode === 'kana') {
    out.push(...(c >= 0x21 && c <= 0x5f ? [0x8e, c | 0x80] : [INVALID]));
    return 1;
  }
  if (!inPair(c) || !inPair(input[i + 1])) {
    out.push(INVALID);
    return 1;
  }
  if (mode === 'jis0212') out.push(0x8f);
  out.push(c | 0x80, input[i + 1] | 0x80);
  return 2;
}

export function decodeIso2022Jp(input: Uint8Array): { text: string; problem: boolean } {
  const out: number[] = [];
  let mode: Mode = 'ascii';
  let problem = false;
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c === ESC) {
      const esc = readEscape(input, i);
      if (esc) {
        mode = esc.mode;
        i += esc.length;
        continue;
      }
      problem = true; // an ISO-2022-JP-2 designation or garbage: not decodable here
      out.push(INVALID);
      i++;
      continue;
    }
    if (c === 0x0a || c === 0x0d) {
      // RFC 1468: a line must end in ASCII; a line break inside a two-octet run is malformed.
      if (mode !== 'ascii') problem = true;
      mode = 'ascii';
    }
    i += convertByte(input, i, mode, out);
  }
  const text = iconv.decode(Buffer.from(out), 'euc-jp');
  return { text, problem: problem || text.includes('\uFFFD') };
}
