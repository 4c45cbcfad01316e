/**
 * The MIME writer, proved by parsing its output back with the library's own parser (RFC 8621 4.6: the server
 * writes the message from the Email object's properties).
 */
import { describe, expect, it } from 'vitest';
import { partContent } from './body-text.js';
import {
  addressesValue,
  dateValue,
  encodeParam,
  foldHeader,
  groupedAddressesValue,
  messageIdsValue,
  textValue,
} from './compose-headers.js';
import { composeMessage, encodeQuotedPrintable, is7bit, type ComposePart } from './compose.js';
import { decodeQuotedPrintable } from './transfer-encoding.js';
import { jmapView } from './jmap-view.js';
import { parseMessage } from './parse-message.js';
import { parseStructured } from './mime-params.js';

const text = (s: string): ComposePart => ({ type: 'text/plain', charset: 'utf-8', content: Buffer.from(s) });
const html = (s: string): ComposePart => ({ type: 'text/html', charset: 'utf-8', content: Buffer.from(s) });
const baseHeaders = [
  { name: 'From', value: addressesValue([{ name: 'Zoë Ünïcode', email: 'zoe@example.com' }]) },
  {
    name: 'To',
    value: addressesValue([
      { name: 'Bob "B" Smith', email: 'bob@example.org' },
      { name: null, email: 'c@example.net' },
    ]),
  },
  {
    name: 'Subject',
    value: textValue('Grüße aus Köln – a subject long enough to be split into several encoded words'),
  },
  { name: 'Date', value: dateValue('2025-01-06T09:30:00+01:00')! },
  { name: 'Message-ID', value: messageIdsValue(['abc@example.com']) },
];

/** Every line of the output ends in CRLF and none is longer than 998 octets (RFC 5322 2.1.1). */
function expectWellFormedLines(raw: Buffer) {
  const s = raw.toString('latin1');
  expect(s).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
  for (const line of s.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
}

describe('composeMessage (RFC 8621 4.6)', () => {
  it('writes a text/plain message whose header fields parse back to the given values (RFC 2047 encoded words)', () => {
    const raw = composeMessage({ headers: baseHeaders, body: text('Hello\nworld, ça va?\n') });
    expectWellFormedLines(raw);
    const v = jmapView(raw);
    expect(v.from).toEqual([{ name: 'Zoë Ünïcode', email: 'zoe@example.com' }]);
    expect(v.to).toEqual([
      { name: 'Bob "B" Smith', email: 'bob@example.org' },
      { name: null, email: 'c@example.net' },
    ]);
    expect(v.subject).toBe('Grüße aus Köln – a subject long enough to be split into several encoded words');
    expect(v.sentAt).toBe('2025-01-06T09:30:00+01:00');
    expect(v.messageId).toEqual(['abc@example.com']);
    expect(v.bodyStructure.type).toBe('text/plain');
    expect(v.bodyValues['1'].value).toBe('Hello\nworld, ça va?\n');
    expect(v.problems).toEqual([]);
    // Non-ASCII text is quoted-printable, and the header block is pure ASCII.
    expect(raw.toString('latin1')).toContain('Content-Transfer-Encoding: quoted-printable');
    const head = raw.subarray(0, raw.indexOf('\r\n\r\n'));
    expect(is7bit(head)).toBe(true);
  });

  it('writes multipart/alternative for text and HTML bodies', () => {
    const body: ComposePart = {
      type: 'multipart/alternative',
      subParts: [text('plain'), html('<p>rich</p>')],
    };
    const raw = composeMessage({ headers: baseHeaders, body });
    expectWellFormedLines(raw);
    const v = jmapView(raw);
    expect(v.bodyStructure.type).toBe('multipart/alternative');
    expect(v.textBody).toEqual(['1']);
    expect(v.htmlBody).toEqual(['2']);
    expect(v.bodyValues['1'].value).toBe('plain');
    expect(v.bodyValues['2'].value).toBe('<p>rich</p>');
    expect(raw.toString('latin1')).toContain('Content-Transfer-Encoding: 7bit');
  });

  it('keeps attachment octets byte for byte (base64) with an RFC 2231 filename and related inline parts', () => {
    const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37 + 11) % 256));
    const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 0xff]);
    const body: ComposePart = {
      type: 'multipart/mixed',
      subParts: [
        {
          type: 'multipart/related',
          subParts: [
            { type: 'multipart/alternative', subParts: [text('see image'), html('<img src="cid:img1@x">')] },
            { type: 'image/png', disposition: 'inline', cid: 'img1@x', content: image },
          ],
        },
        {
          type: 'application/octet-stream',
          name: 'Prüfbericht – sehr langer Dateiname für RFC 2231.bin',
          content: binary,
        },
      ],
    };
    const raw = composeMessage({ headers: baseHeaders, body });
    expectWellFormedLines(raw);
    const parsed = parseMessage(raw);
    expect(parsed.problems).toEqual([]);
    const v = jmapView(raw);
    expect(v.textBody).toEqual(['1.1.1']);
    expect(v.htmlBody).toEqual(['1.1.2']);
    expect(v.attachments).toEqual(['1.2', '2']);
    const [related, file] = parsed.bodyStructure.subParts!;
    const png = related.subParts![1];
    expect(png.cid).toBe('img1@x');
    expect(png.disposition).toBe('inline');
    expect(partContent(raw, png).equals(image)).toBe(true);
    expect(file.name).toBe('Prüfbericht – sehr langer Dateiname für RFC 2231.bin');
    expect(file.encoding).toBe('base64');
    expect(partContent(raw, file).equals(binary)).toBe(true);
    expect(file.size).toBe(binary.length);
  });

  it('gives the same octets for the same tree, with a boundary that occurs in no part', () => {
    const body: ComposePart = {
      type: 'multipart/mixed',
      subParts: [text('--=_ looks like a boundary'), text('b')],
    };
    const a = composeMessage({ headers: baseHeaders, body });
    const b = composeMessage({ headers: baseHeaders, body });
    expect(a.equals(b)).toBe(true);
    expect(parseMessage(a).bodyStructure.subParts).toHaveLength(2);
  });

  it('writes extra header fields of parts and of the message in Raw form, and never a given transfer encoding', () => {
    const part: ComposePart = {
      ...text('x'),
      headers: [
        { name: 'X-Part', value: ' yes' },
        { name: 'Content-Transfer-Encoding', value: ' base64' },
      ],
    };
    const raw = composeMessage({
      headers: [...baseHeaders, { name: 'X-Custom', value: ' raw value' }],
      body: part,
    });
    const parsed = parseMessage(raw);
    expect(parsed.headers.find((h) => h.name === 'X-Custom')?.value).toBe(' raw value');
    expect(parsed.headers.find((h) => h.name === 'X-Part')?.value).toBe(' yes');
    expect(parsed.headers.filter((h) => h.name.toLowerCase() === 'content-transfer-encoding')).toEqual([
      { name: 'Content-Transfer-Encoding', value: ' 7bit' },
    ]);
  });

  it('keeps the line ends of an exact text part (an attachment given by blob)', () => {
    const csv = Buffer.from('a,b\n1,2\n');
    const body: ComposePart = {
      type: 'multipart/mixed',
      subParts: [text('x'), { type: 'text/csv', name: 'd.csv', content: csv, exact: true }],
    };
    const raw = composeMessage({ headers: baseHeaders, body });
    const file = parseMessage(raw).bodyStructure.subParts![1];
    expect(file.encoding).toBe('base64');
    expect(partContent(raw, file).equals(csv)).toBe(true);
  });

  it('writes long lines of text as quoted-printable, which decodes back to the text', () => {
    const long = 'a'.repeat(1500);
    const raw = composeMessage({ headers: baseHeaders, body: text(long) });
    expectWellFormedLines(raw);
    expect(jmapView(raw).bodyValues['1'].value).toBe(long);
  });
});

describe('header values (RFC 5322, RFC 2047, RFC 2231)', () => {
  it('folds long fields at white space and keeps short ones on one line', () => {
    expect(foldHeader('Subject', ' short')).toBe('Subject: short');
    const folded = foldHeader(
      'To',
      ` ${Array.from({ length: 20 }, (_, i) => `user${i}@example.com`).join(', ')}`,
    );
    for (const line of folded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(folded.replace(/\r\n/g, '')).toBe(
      `To: ${Array.from({ length: 20 }, (_, i) => `user${i}@example.com`).join(', ')}`,
    );
  });

  it('writes groups, and ASCII text that looks like an encoded word is itself encoded', () => {
    const raw = composeMessage({
      headers: [
        {
          name: 'To',
          value: groupedAddressesValue([{ name: 'Team', addresses: [{ name: null, email: 'a@x.org' }] }]),
        },
        { name: 'Subject', value: textValue('=?UTF-8?B?literal?=') },
      ],
      body: text('x'),
    });
    const v = jmapView(raw);
    expect(v.to).toEqual([{ name: null, email: 'a@x.org' }]);
    expect(v.subject).toBe('=?UTF-8?B?literal?=');
  });

  it('encodes parameters as token, quoted string or RFC 2231 sections', () => {
    expect(encodeParam('name', 'a.txt')).toBe('name=a.txt');
    expect(encodeParam('name', 'a b.txt')).toBe('name="a b.txt"');
    expect(encodeParam('name', 'é.txt')).toBe("name*=UTF-8''%C3%A9.txt");
    const long = encodeParam('name', 'é'.repeat(40));
    expect(long).toMatch(/^name\*0\*=UTF-8''[%0-9A-F]+; name\*1\*=/);
    expect(parseStructured(`application/octet-stream; ${long}`).params.get('name')).toBe('é'.repeat(40));
  });

  it('rejects a Date form that is not an RFC 3339 date-time', () => {
    expect(dateValue('2025-02-30T00:00:00Z')).toBeNull();
    expect(dateValue('yesterday')).toBeNull();
    expect(dateValue('2025-01-05T23:00:00Z')).toBe(' Sun, 5 Jan 2025 23:00:00 +0000');
  });

  it('quoted-printable round-trips every octet', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(decodeQuotedPrintable(Buffer.from(encodeQuotedPrintable(all))).equals(all)).toBe(true);
  });
});
