/**
 * The workspace's library list, read from libs/** /project.json. Each library is imported as @jmap/<name>
 * through its src/index.ts (STYLE.md convention 4); tsconfig paths and the test runner's aliases both come
 * from here (`npm run sync:paths` rewrites tsconfig.base.json).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface LibProject {
  name: string;
  root: string;
  entry: string;
  tags: string[];
}

function findProjectFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) findProjectFiles(full, out);
    else if (entry === 'project.json') out.push(full);
  }
  return out;
}

export function libraries(): LibProject[] {
  const libsDir = join(ROOT, 'libs');
  if (!existsSync(libsDir)) return [];
  return findProjectFiles(libsDir)
    .map((file) => {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name: string; tags?: string[] };
      const root = relative(ROOT, join(file, '..'));
      return { name: json.name, root, entry: `${root}/src/index.ts`, tags: json.tags ?? [] };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function tsPaths(): Record<string, string[]> {
  return Object.fromEntries(libraries().map((l) => [`@jmap/${l.name}`, [l.entry]]));
}
