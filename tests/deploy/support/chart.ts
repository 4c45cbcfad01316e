/**
 * Renders the Helm chart with the real helm binary (built by libs/testing's installHelm when missing).
 *
 * The chart declares Bitnami PostgreSQL, Kafka and MinIO as optional dependencies, and helm refuses to render a
 * chart whose declared dependencies are missing from charts/ even when they are disabled. Tests cannot download
 * them, so renders run on a copy of the chart whose charts/ holds empty stand-ins with the same names: what
 * `helm dependency build` would put there, minus the templates that a disabled dependency never renders anyway.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { installHelm, repoRoot } from '@jmap/testing';

export const CHART_DIR = join(repoRoot(), 'deploy', 'helm', 'jmap-store');
export const DEPENDENCIES = ['postgresql', 'kafka', 'minio'] as const;
export const KUBE_VERSION = '1.31.0';

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

export class Chart {
  private constructor(
    readonly helm: string,
    readonly dir: string,
  ) {}

  /** A renderable copy of the chart (stand-ins for its dependencies) and the helm binary. */
  static prepare(log: (m: string) => void = () => undefined): Chart {
    const helm = installHelm(log);
    const dir = join(mkdtempSync(join(tmpdir(), 'jmap-chart-')), 'jmap-store');
    cpSync(CHART_DIR, dir, { recursive: true });
    for (const dep of DEPENDENCIES) {
      mkdirSync(join(dir, 'charts', dep), { recursive: true });
      writeFileSync(
        join(dir, 'charts', dep, 'Chart.yaml'),
        `apiVersion: v2\nname: ${dep}\nversion: 0.0.0-standin\n`,
      );
    }
    return new Chart(helm, dir);
  }

  /** Runs helm; the result carries the exit code and output (lint warnings, template errors). */
  run(args: string[]): { code: number; output: string } {
    const r = spawnSync(this.helm, args, { encoding: 'utf8' });
    return { code: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
  }

  lint(args: string[] = [], dir = this.dir): { code: number; output: string } {
    return this.run(['lint', dir, '--strict', ...args]);
  }

  /** The manifests `helm template` renders (hooks included), parsed. Throws helm's message on failure. */
  template(args: string[] = []): K8sObject[] {
    const out = execFileSync(
      this.helm,
      ['template', 'jmap', this.dir, '--namespace', 'mail', '--kube-version', KUBE_VERSION, ...args],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return parseAllDocuments(out)
      .map((d) => d.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => o !== null);
  }

  valuesFile(name: string): string {
    return join(this.dir, name);
  }

  dispose(): void {
    rmSync(join(this.dir, '..'), { recursive: true, force: true });
  }
}
