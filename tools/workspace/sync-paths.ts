/** Rewrites the `paths` of tsconfig.base.json from the libraries' project.json files. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tsPaths } from './projects.js';

const file = join(ROOT, 'tsconfig.base.json');
const config = JSON.parse(readFileSync(file, 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
config.compilerOptions.paths = tsPaths();
writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
process.stdout.write(`paths: ${Object.keys(config.compilerOptions.paths).join(', ')}\n`);
