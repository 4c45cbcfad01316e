/**
 * Splits one header block (RFC 5322 section 2.2, RFC 2045 section 3) into fields, keeping each value in the
 * Raw form of RFC 8621 4.1.2.1: the octets after the colon up to the field's terminating line break, folding
 * line breaks included. Accepts CRLF, bare LF and a mix of both (rfc-clarifications Q15/Q16).
 */
import type { EmailHeader, MimeLimits } from './types.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

export interface HeaderBlock {
  headers: EmailHeader[];
  /** Offset of the first body octet: after the empty line, or where a non-header line began. */
  bodyStart: number;
}

interface Field {
  start: number;
  colon: number;
  end: number;
}

const utf8 = new TextDecoder('utf-8');

/**
 * RFC 8621 4.1.2.1: octets that are not valid UTF-8 become U+FFFD and NUL octets are dropped. The decoder
 * replaces each maximal invalid subsequence, as the Encoding Standard does.
 */
export function rawHeaderText(bytes: Uint8Array): string {
  const text = utf8.decode(bytes);
  return text.includes('\0') ? text.replace(/\0/g, '') : text;
}

function fieldName(raw: Buffer, start: number, colon: number): string | null {
  let end = colon;
  // obs-optional allows white space between the field name and the colon; it is not part of the name.
  while (end > start && (raw[end - 1] === SP || raw[end - 1] === HT)) end--;
  if (end === start) return null;
  for (let i = start; i < end; i++) if (raw[i] < 33 || raw[i] > 126) return null;
  return raw.toString('latin1', start, end);
}

class BlockReader {
  readonly headers: EmailHeader[] = [];
  private dropped = 0;

  constructor(
    private readonly raw: Buffer,
    private readonly start: number,
    private readonly limits: MimeLimits,
    private readonly problems: string[],
    private readonly where: string,
  ) {}

  add(field: Field | null): void {
    if (!field) return;
    const over =
      field.end - this.start > this.limits.maxHeaderBytes || this.headers.length >= this.limits.maxHeaders;
    if (over) {
      this.dropped++;
      return;
    }
    const name = this.raw.toString('latin1', field.start, field.colon).replace(/[ \t]+$/, '');
    this.headers.push({ name, value: rawHeaderText(this.raw.subarray(field.colon + 1, field.end)) });
  }

  finish(bodyStart: number): HeaderBlock {
    if (this.dropped > 0) {
      this.problems.push(
        `${this.where}: ${this.dropped} header field(s) dropped beyond ${this.limits.maxHeaders} fields or ${this.limits.maxHeaderBytes} octets`,
      );
    }
    return { headers: this.headers, bodyStart };
  }
}

/** Reads the header block in raw[start, end). Never throws; linear in the octets it reads. */
export function parseHeaderBlock(
  raw: Buffer,
  start: number,
  end: number,
  limits: MimeLimits,
  problems: string[],
  where: string,
): HeaderBlock {
  const reader = new BlockReader(raw, start, limits, problems, where);
  let field: Field | null = null;
  let pos = start;
  while (pos < end) {
    const lf = raw.indexOf(LF, pos);
    const lineEnd = lf === -1 || lf >= end ? end : lf;
    const next = lineEnd < end ? lineEnd + 1 : end;
    const contentEnd = lineEnd > pos && raw[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    if (contentEnd === pos) {
      reader.add(field);
      return reader.finish(next);
    }
    if (raw[pos] === SP || raw[pos] === HT) {
      if (field) field.end = contentEnd;
      else problems.push(`${where}: continuation line without a header field ignored`);
      pos = next;
      continue;
    }
    reader.add(field);
    field = null;
    const colonRel = raw.subarray(pos, contentEnd).indexOf(COLON);
    const colon = colonRel === -1 ? -1 : pos + colonRel;
    if (colon !== -1 && fieldName(raw, pos, colon) !== null) {
      field = { start: pos, colon, end: contentEnd };
    } else if (pos === start && raw.toString('latin1', pos, Math.min(pos + 5, contentEnd)) === 'From ') {
      // An mbox "From " separator line left at the top of the message.
      problems.push(`${where}: leading mbox "From " line ignored`);
    } else {
      problems.push(`${where}: header block ended by a line that is not a header field`);
      return reader.finish(pos);
    }
    pos = next;
  }
  reader.add(field);
  return reader.finish(end);
}
