/** Corpus: hostile messages that must hit the MimeLimits bounds without throwing or hanging. */
import { crlf, type Fixture, type Piece } from './helpers.js';

const head = (subject: string) =>
  `From: mallory@example.net\nTo: bob@example.org\nSubject: ${subject}\nDate: Mon, 6 Jan 2025 09:30:00 +0000\nMIME-Version: 1.0\n`;

function deepNesting(levels: number): Buffer {
  let body = 'Content-Type: text/plain\n\nThe innermost text.\n';
  for (let level = levels; level >= 1; level--) {
    body = `Content-Type: multipart/mixed; boundary="d${level}"\n\n--d${level}\nContent-Type: text/plain\n\nLevel ${level}.\n--d${level}\n${body}--d${level}--\n`;
  }
  return crlf(head('Nested 30 levels deep'), body);
}

function manyParts(count: number): Buffer {
  const pieces: Piece[] = [
    head(`${count} parts`),
    'Content-Type: multipart/mixed; boundary="many"\n\n--many\nContent-Type: text/plain\n\nMany parts follow.\n',
  ];
  for (let i = 1; i < count; i++) pieces.push(`--many\nContent-Type: application/octet-stream\n\n${i}\n`);
  pieces.push('--many--\n');
  return crlf(...pieces);
}

export const hostile: Fixture[] = [
  { name: '072-deep-nesting', raw: () => deepNesting(30) },
  { name: '073-thousands-of-parts', raw: () => manyParts(1500) },
  {
    name: '074-huge-header',
    raw: () =>
      crlf(
        head('A 300 KiB header field'),
        'Content-Type: text/plain\n',
        `X-Huge: ${Array.from({ length: 4000 }, (_, i) => `word${i} `.repeat(10).trim()).join('\n ')}\n`,
        'X-After: dropped because it starts beyond the bound\n\nThe body is still found.\n',
      ),
  },
  {
    name: '075-many-headers',
    raw: () =>
      crlf(
        head('1,200 header fields'),
        Array.from({ length: 1200 }, (_, i) => `X-Trace-${i}: hop ${i}\n`).join(''),
        '\nThe body after 1,200 header fields.\n',
      ),
  },
  {
    name: '076-base64-encoded-multipart',
    raw: () =>
      crlf(
        head('A multipart with a base64 transfer encoding'),
        'Content-Type: multipart/mixed; boundary="enc"\nContent-Transfer-Encoding: base64\n\n',
        `${Buffer.from('--enc\r\nContent-Type: text/plain\r\n\r\nhidden\r\n--enc--\r\n').toString('base64')}\n`,
      ),
  },
];
