import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV } from '@jmap/platform';
import { readmeWithTable } from './config-docs.js';
import { ROOT } from './projects.js';

describe('README configuration table', () => {
  it('matches the environment catalog (run `npm run docs:config` after changing a variable)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toBe(readmeWithTable(readme));
  });

  it('documents every variable the project reads', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of Object.keys(ENV)) expect(readme).toContain(`\`${name}\``);
  });
});
