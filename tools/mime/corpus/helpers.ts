/** Helpers for writing corpus messages: line endings, charsets and transfer encodings done by hand. */
import iconv from 'iconv-lite';

export interface Fixture {
  /** "NNN-short-name"; the file names of the message and its expected view. */
  name: string;
  raw: () => Buffer;
}

export type Piece = string | Buffer;

/** A message with CRLF line endings: "\n" in string pieces becomes "\r\n"; Buffers are kept as they are. */
export function crlf(...pieces: Piece[]): Buffer {
  return Buffer.concat(
    pieces.map((p) => (typeof p === 'string' ? Buffer.from(p.replace(/\r?\n/g, '\r\n'), 'utf8') : p)),
  );
}

/** A message kept exactly as written (bare LF line endings). */
export function bare(...pieces: Piece[]): Buffer {
  return Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}

/** Text in a charset; throws if the charset cannot represent it, so no fixture holds a silent "?". */
export function enc(text: string, charset: string): Buffer {
  const bytes = iconv.encode(text, charset);
  if (iconv.decode(bytes, charset) !== text)
    throw new Error(`${charset} cannot represent ${JSON.stringify(text)}`);
  return bytes;
}

/** Base64 in 76-column lines, each ending in "\n" (crlf() turns it into CRLF when it is a string piece). */
export function b64(data: Piece): string {
  const s = (typeof data === 'string' ? Buffer.from(data, 'utf8') : data).toString('base64');
  return `${s.replace(/.{1,76}/g, '$&\n')}`;
}

/** Quoted-printable (RFC 2045 6.7) of octets, soft-wrapped at 76 columns. */
export function qp(data: Piece): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const lines: string[] = [];
  for (const line of bytes.toString('latin1').split('\n')) {
    let out = '';
    let width = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      const last = i === line.length - 1;
      const literal = (c >= 33 && c <= 126 && c !== 61) || (c === 32 && !last);
      const piece = literal ? line[i] : `=${c.toString(16).toUpperCase().padStart(2, '0')}`;
      if (width + piece.length > 75) {
        out += '=\n';
        width = 0;
      }
      out += piece;
      width += piece.length;
    }
    lines.push(out);
  }
  return lines.join('\n');
}

/** An RFC 2047 encoded word. */
export function ew(text: string, charset: string, encoding: 'B' | 'Q'): string {
  const bytes = charset.toLowerCase() === 'iso-2022-jp' ? jis(text) : enc(text, charset);
  const payload =
    encoding === 'B'
      ? bytes.toString('base64')
      : [...bytes]
          .map((c) =>
            c === 32
              ? '_'
              : c > 32 && c < 127 && !'=?_'.includes(String.fromCharCode(c))
                ? String.fromCharCode(c)
                : `=${c.toString(16).toUpperCase().padStart(2, '0')}`,
          )
          .join('');
  return `=?${charset}?${encoding}?${payload}?=`;
}

/** ISO-2022-JP (RFC 1468) octets, made from EUC-JP: two-octet runs go between ESC $ B and ESC ( B. */
export function jis(text: string): Buffer {
  const euc = iconv.encode(text, 'euc-jp');
  const out: number[] = [];
  let wide = false;
  for (let i = 0; i < euc.length; i++) {
    const c = euc[i];
    if (c < 0x80) {
      if (wide) out.push(0x1b, 0x28, 0x42);
      wide = false;
      out.push(c);
      continue;
    }
    if (!wide) out.push(0x1b, 0x24, 0x42);
    wide = true;
    out.push(c & 0x7f, euc[++i] & 0x7f);
  }
  if (wide) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

/** Common top-level header fields. */
export function basics(subject: string, extra = ''): string {
  return (
    `From: Alice Example <alice@example.com>\n` +
    `To: Bob Example <bob@example.org>\n` +
    `Subject: ${subject}\n` +
    `Date: Mon, 6 Jan 2025 09:30:00 +0100\n` +
    `Message-ID: <${subject.replace(/[^A-Za-z0-9]+/g, '.').slice(0, 40)}@example.com>\n` +
    `MIME-Version: 1.0\n` +
    extra
  );
}
