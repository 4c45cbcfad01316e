/**
 * Writes tests/fixtures/mime/expected/NNN-name.json, the JMAP view of each corpus message, from the current
 * parser. Each generated file must then be reviewed against RFC 8621 by hand: a wrong value is fixed in the
 * parser, never in the file.
 *   node --import tsx tools/mime/generate-expected.ts [name-filter]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jmapView } from '@jmap/mime';
import { CORPUS_VIEW_OPTIONS, EXPECTED_DIR, MESSAGES_DIR } from './paths.js';

const filter = process.argv[2] ?? '';
const files = readdirSync(MESSAGES_DIR)
  .filter((f) => f.endsWith('.eml') && f.includes(filter))
  .sort();
mkdirSync(EXPECTED_DIR, { recursive: true });
files.forEach((file, i) => {
  const view = jmapView(readFileSync(join(MESSAGES_DIR, file)), CORPUS_VIEW_OPTIONS);
  writeFileSync(join(EXPECTED_DIR, file.replace(/\.eml$/, '.json')), `${JSON.stringify(view, null, 2)}\n`);
  process.stdout.write(`${i + 1}/${files.length} ${file}\n`);
});
