/**
 * npm run build [-- <app> ...]
 * Bundles each app (and the two operator tasks the Helm chart runs as Jobs) into one ESM file with esbuild:
 * dist/<app>/main.js. The workspace libraries (@jmap/*) are inlined; npm packages stay external and are loaded
 * from node_modules at run time, so that native modules (argon2) and Nest's optional requires work unchanged.
 * No decorator metadata is emitted: every constructor parameter names its token with @Inject.
 *
 * Besides each app's bundle it writes dist/<app>/package.json: the production manifest of that app's image,
 * listing only the npm packages the app and the tasks import (versions from the root package.json). The
 * Dockerfile installs the locked production dependencies and prunes everything else with it (no embedded
 * PostgreSQL in a service image, no tsx, no esbuild).
 */
import { build, type Metafile } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist');

/** Entry points that are not apps: run by the chart's hook Jobs and preloaded by every container. */
export const TASKS = {
  migrate: 'tools/build/tasks/migrate.task.ts',
  'kafka-topics': 'tools/build/tasks/kafka-topics.task.ts',
  tracing: 'libs/platform/src/tracing.preload.ts',
} as const;

/** Every app under apps/ that has a src/main.ts. */
export function appNames(): string[] {
  return readdirSync(join(ROOT, 'apps'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .filter((d) => {
      try {
        readFileSync(join(ROOT, 'apps', d.name, 'src', 'main.ts'));
        return true;
      } catch {
        return false;
      }
    })
    .map((d) => d.name)
    .sort();
}

/** The npm package an import specifier names ("@scope/name/sub" -> "@scope/name"), or null for node: builtins. */
export function packageOf(specifier: string): string | null {
  if (specifier.startsWith('node:') || specifier.startsWith('.') || specifier.startsWith('/')) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** npm packages each output imports, by entry name. */
function externalPackages(meta: Metafile): Map<string, Set<string>> {
  const byEntry = new Map<string, Set<string>>();
  for (const [file, output] of Object.entries(meta.outputs)) {
    const m = /([^/]+)\/main\.js$/.exec(file);
    if (!m) continue;
    const found = new Set<string>();
    for (const imp of output.imports) {
      const pkg = imp.external ? packageOf(imp.path) : null;
      if (pkg) found.add(pkg);
    }
    byEntry.set(m[1], found);
  }
  return byEntry;
}

export interface BuildResult {
  entries: Record<string, string>;
  /** npm packages each app's image needs (the app and the tasks every image carries). */
  packages: Record<string, string[]>;
}

export interface BuildOptions {
  /** Apps to bundle (default: all); the tasks are always bundled, since every image carries them. */
  only?: readonly string[];
  /** Output directory (default: dist/ of the repository, emptied first when every app is built). */
  outDir?: string;
  log?: (m: string) => void;
}

export async function buildApps(options: BuildOptions = {}): Promise<BuildResult> {
  const { only = [], outDir = DIST, log = () => undefined } = options;
  const apps = appNames();
  const unknown = only.filter((a) => !apps.includes(a) && !(a in TASKS));
  if (unknown.length) throw new Error(`unknown app: ${unknown.join(', ')} (apps: ${apps.join(', ')})`);
  const entries: Record<string, string> = {};
  for (const app of apps)
    if (only.length === 0 || only.includes(app)) entries[app] = `apps/${app}/src/main.ts`;
  Object.assign(entries, TASKS);

  if (only.length === 0) rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [`${name}/main`, file])),
    outdir: outDir,
    bundle: true,
    splitting: false,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // npm packages are loaded from node_modules; tsconfig paths (@jmap/*) are applied first, so libraries inline.
    packages: 'external',
    tsconfig: join(ROOT, 'tsconfig.json'),
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
    // Nest's class names appear in logs and errors; keep them.
    keepNames: true,
  });
  const imported = externalPackages(result.metafile);
  const tasks = Object.keys(TASKS).flatMap((t) => [...(imported.get(t) ?? [])]);
  const packages: Record<string, string[]> = {};
  for (const app of Object.keys(entries).filter((e) => !(e in TASKS))) {
    packages[app] = [...new Set([...(imported.get(app) ?? []), ...tasks])].sort();
    const manifest = `${JSON.stringify(productionManifest(packages[app]), null, 2)}\n`;
    writeFileSync(join(outDir, app, 'package.json'), manifest);
  }
  log(`bundled ${Object.keys(entries).join(', ')} into ${outDir} in ${Date.now() - started} ms`);
  return { entries, packages };
}

interface RootManifest {
  name: string;
  version: string;
  type?: string;
  dependencies: Record<string, string>;
}

/** The root manifest with `dependencies` cut down to the packages the bundles import. */
export function productionManifest(packages: readonly string[]): RootManifest {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as RootManifest;
  const missing = packages.filter((p) => !root.dependencies[p]);
  if (missing.length) {
    // A bundle importing a devDependency would work here and fail in the image: refuse it at build time.
    throw new Error(`bundles import packages that are not production dependencies: ${missing.join(', ')}`);
  }
  return {
    name: root.name,
    version: root.version,
    type: root.type,
    dependencies: Object.fromEntries(packages.map((p) => [p, root.dependencies[p]])),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildApps({ only: process.argv.slice(2), log: (m) => process.stdout.write(`[build] ${m}\n`) }).catch(
    (err: unknown) => {
      process.stderr.write(`[build] ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
