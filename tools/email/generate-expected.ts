/**
 * Writes tests/fixtures/email/expected/NNN-name.json, the Email/get answer expected for each message of the MIME
 * corpus once imported (email-expectation.ts), from the reviewed MIME views. Review a regenerated file's diff:
 * only server-added properties may differ from the MIME view (tools/email/expected.spec.ts checks that too).
 *   node --import tsx tools/email/generate-expected.ts
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXPECTED_DIR as MIME_EXPECTED, MESSAGES_DIR } from '../mime/paths.js';
import { emailExpectation, type MimeView } from './email-expectation.js';
import { EMAIL_EXPECTED_DIR } from './paths.js';

const files = readdirSync(MESSAGES_DIR)
  .filter((f) => f.endsWith('.eml'))
  .sort();
mkdirSync(EMAIL_EXPECTED_DIR, { recursive: true });
files.forEach((file, i) => {
  const name = file.replace(/\.eml$/, '.json');
  const mime = JSON.parse(readFileSync(join(MIME_EXPECTED, name), 'utf8')) as MimeView;
  const expected = emailExpectation(readFileSync(join(MESSAGES_DIR, file)), mime, i);
  writeFileSync(join(EMAIL_EXPECTED_DIR, name), `${JSON.stringify(expected, null, 2)}\n`);
  process.stdout.write(`${i + 1}/${files.length} ${file}\n`);
});
