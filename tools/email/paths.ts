import { join } from 'node:path';

export const EMAIL_EXPECTED_DIR = join(
  import.meta.dirname,
  '..',
  '..',
  'tests',
  'fixtures',
  'email',
  'expected',
);
