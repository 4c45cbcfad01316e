import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
export const FIXTURES_DIR = join(ROOT, 'tests', 'fixtures', 'mime');
export const MESSAGES_DIR = join(FIXTURES_DIR, 'messages');
export const EXPECTED_DIR = join(FIXTURES_DIR, 'expected');

/** Options the expected views are generated with; libs/mime/src/corpus.spec.ts uses the same. */
export const CORPUS_VIEW_OPTIONS = { maxBodyValueBytes: 4096 };
