import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBodyText, partContent } from './body-text.js';
import { emailProperties } from './email-properties.js';
import { headerAs } from './header-forms.js';
import { parseMessage } from './parse-message.js';
import { preview } from './preview.js';
import { eml } from './spec-helpers.js';
import type { BodyPart, ParsedMessage } from './types.js';

function nested(levels: number): string {
  let body = 'Content-Type: text/plain\n\ninnermost\n';
  for (let i = levels; i >= 1; i--)
    body = `Content-Type: multipart/mixed; boundary="d${i}"\n\n--d${i}\n${body}--d${i}--\n`;
  return body;
}

function walk(part: BodyPart, visit: (p: BodyPart, depth: number) => void, depth = 0): void {
  visit(part, depth);
  for (const child of part.subParts ?? []) walk(child, visit, depth + 1);
}

/** What must hold for any input: unique part ids, multiparts without ids, offsets inside the message. */
function checkInvariants(raw: Buffer, parsed: ParsedMessage): void {
  const ids = new Set<string>();
  walk(parsed.bodyStructure, (p) => {
    expect(p.partId === null).toBe(p.type.startsWith('multipart/'));
    if (p.partId !== null) {
      expect(ids.has(p.partId)).toBe(false);
      ids.add(p.partId);
    }
    expect(p.bodyOffset).toBeGreaterThanOrEqual(0);
    expect(p.bodyOffset + p.bodyLength).toBeLessThanOrEqual(raw.length);
  });
}

/** Every feature of the API on one message: none may throw. */
function exercise(raw: Buffer): void {
  const parsed = parseMessage(raw);
  checkInvariants(raw, parsed);
  emailProperties(parsed);
  preview(raw, parsed);
  headerAs(parsed.headers, 'From', 'GroupedAddresses', true);
  for (const part of [...parsed.textBody, ...parsed.htmlBody]) decodeBodyText(raw, part, 100);
  for (const part of parsed.attachments) partContent(raw, part);
}

describe('MimeLimits: exceeding a bound keeps what was parsed and reports it', () => {
  it('maxDepth: a multipart at the bound keeps its content as one opaque part', () => {
    const parsed = parseMessage(eml(nested(10)), { maxDepth: 3 });
    let deepest = 0;
    walk(parsed.bodyStructure, (_p, depth) => (deepest = Math.max(deepest, depth)));
    expect(deepest).toBe(4);
    expect(parsed.problems.join()).toContain('nesting deeper than 3');
    expect(parsed.attachments.at(-1)).toMatchObject({ type: 'application/octet-stream', partId: '1.1.1.1' });
  });

  it('maxParts: the rest of the multipart becomes one opaque part holding the remaining parts', () => {
    const parts = Array.from(
      { length: 10 },
      (_, i) => `--b\nContent-Type: application/x-n\n\npart${i}\n`,
    ).join('');
    const raw = eml(`Content-Type: multipart/mixed; boundary=b\n\n${parts}--b--\n`);
    const parsed = parseMessage(raw, { maxParts: 5 });
    const children = parsed.bodyStructure.subParts!;
    expect(children.map((p) => p.partId)).toEqual(['1', '2', '3', '4', '5']);
    const rest = partContent(raw, children[4]).toString();
    expect(rest.startsWith('Content-Type: application/x-n\r\n\r\npart4')).toBe(true);
    expect(rest.endsWith('part9')).toBe(true);
    expect(parsed.problems.join()).toContain('more than 5 parts');
  });

  it('maxHeaderBytes: fields past the bound are dropped, the body is still found', () => {
    const raw = eml(`Subject: kept\nX-Big: ${'x'.repeat(500)}\nX-After: dropped\n\nbody`);
    const parsed = parseMessage(raw, { maxHeaderBytes: 100 });
    expect(parsed.headers.map((h) => h.name)).toEqual(['Subject']);
    expect(partContent(raw, parsed.textBody[0]).toString()).toBe('body');
    expect(parsed.problems.join()).toContain('2 header field(s) dropped');
  });

  it('maxHeaders: only the first fields are kept', () => {
    const parsed = parseMessage(eml('A: 1\nB: 2\nC: 3\nD: 4\n\nbody'), { maxHeaders: 3 });
    expect(parsed.headers.map((h) => h.name)).toEqual(['A', 'B', 'C']);
  });

  it('ignores nonsensical limits and uses the defaults', () => {
    expect(parseMessage(eml(nested(3)), { maxDepth: -1, maxParts: Number.NaN }).problems).toEqual([]);
  });
});

describe('hostile input never throws and never hangs', () => {
  const corpus = join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'mime', 'messages');
  const fixtures = readdirSync(corpus).map((f) => readFileSync(join(corpus, f)));

  it('survives every corpus message cut at many points and with octets flipped', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const raw of fixtures.filter((f) => f.length < 50_000)) {
      for (let k = 0; k < 8; k++) {
        exercise(raw.subarray(0, Math.floor(random() * raw.length)));
        const mutated = Buffer.from(raw);
        for (let j = 0; j < 20; j++)
          mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
        exercise(mutated);
      }
    }
  });

  it('stays fast on pathological shapes', () => {
    const cases = [
      eml(`Content-Type: multipart/mixed; boundary=b\n\n${'--b\n'.repeat(200_000)}`),
      eml(`Content-Type: text/html\n\n${'<'.repeat(1_000_000)}`),
      eml(`Content-Type: text/html\n\n${'<script>'.repeat(100_000)}`),
      eml(`From: ${'"\\'.repeat(100_000)}\n\n`),
      eml(
        `From: ${'<'.repeat(100_000)}\nTo: ${'(('.repeat(50_000)}\nSubject: ${'=?utf-8?q?a?= '.repeat(10_000)}\n\n`,
      ),
      eml(`Subject: ${'[x]'.repeat(60_000)}\nDate: ${'1 '.repeat(100_000)}\n\n`),
      eml(nested(5_000)),
      Buffer.alloc(5_000_000, 0x61),
      Buffer.alloc(2_000_000, 0x0a),
      Buffer.from(
        `Content-Type: multipart/mixed; boundary=${'b'.repeat(5000)}\n\n${`--${'b'.repeat(4999)}\n`.repeat(500)}`,
      ),
    ];
    for (const raw of cases) {
      const started = Date.now();
      exercise(raw);
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it('thousands of parts are parsed within the bound, the rest kept opaque', () => {
    const parts = Array.from({ length: 5000 }, (_, i) => `--b\n\n${i}\n`).join('');
    const parsed = parseMessage(eml(`Content-Type: multipart/mixed; boundary=b\n\n${parts}--b--\n`));
    expect(parsed.bodyStructure.subParts).toHaveLength(1000);
    expect(parsed.textBody).toHaveLength(999);
  });
});
