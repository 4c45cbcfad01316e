/**
 * Every message of tests/fixtures/mime/messages against its reviewed JMAP view in tests/fixtures/mime/expected
 * (written by tools/mime/generate-expected.ts, then checked by hand against RFC 8621 4.1).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jmapView } from './jmap-view.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'mime');
/** Same options as tools/mime/paths.ts CORPUS_VIEW_OPTIONS. */
const OPTIONS = { maxBodyValueBytes: 4096 };

const messages = readdirSync(join(FIXTURES, 'messages'))
  .filter((f) => f.endsWith('.eml'))
  .sort();

describe('MIME corpus (RFC 8621 4.1 views of tests/fixtures/mime)', () => {
  it('has at least 60 messages, each with an expected view', () => {
    expect(messages.length).toBeGreaterThanOrEqual(60);
    const expected = new Set(readdirSync(join(FIXTURES, 'expected')));
    expect(messages.filter((m) => !expected.has(m.replace(/\.eml$/, '.json')))).toEqual([]);
  });

  it.each(messages)('%s parses to its reviewed view', (file) => {
    const raw = readFileSync(join(FIXTURES, 'messages', file));
    const expected: unknown = JSON.parse(
      readFileSync(join(FIXTURES, 'expected', file.replace(/\.eml$/, '.json')), 'utf8'),
    );
    expect(JSON.parse(JSON.stringify(jmapView(raw, OPTIONS)))).toEqual(expected);
  });
});
