/**
 * Writes the MIME corpus (tests/fixtures/mime/messages/*.eml) from its definitions in ./corpus. The messages
 * are written by hand; this script only applies line endings, charsets and transfer encodings.
 *   node --import tsx tools/mime/build-corpus.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { charsets } from './corpus/charsets.js';
import { headers } from './corpus/headers.js';
import { hostile } from './corpus/hostile.js';
import { malformed } from './corpus/malformed.js';
import { structure } from './corpus/structure.js';
import { structureMore } from './corpus/structure-more.js';
import { MESSAGES_DIR } from './paths.js';

const all = [...structure, ...structureMore, ...headers, ...charsets, ...malformed, ...hostile];
const names = new Set(all.map((f) => f.name));
if (names.size !== all.length) throw new Error('duplicate fixture names');

mkdirSync(MESSAGES_DIR, { recursive: true });
all.forEach((fixture, i) => {
  writeFileSync(join(MESSAGES_DIR, `${fixture.name}.eml`), fixture.raw());
  process.stdout.write(`\r${i + 1}/${all.length} ${fixture.name}`.padEnd(60));
});
process.stdout.write(`\nwrote ${all.length} messages to ${MESSAGES_DIR}\n`);
