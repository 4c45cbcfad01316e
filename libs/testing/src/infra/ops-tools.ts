/**
 * The operator tools that tests/deploy runs: helm (built with `go install` into the same cache as MinIO, pinned
 * in tools/infra/helm.version, which .ci/run reads too) and Prometheus (Debian's package, installed with apt-get
 * when the process runs as root; it is in Debian 12 as version 2.42).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, repoRoot } from './paths.js';
import { requireTool, which } from './process.js';

export const HELM_MODULE = readFileSync(join(repoRoot(), 'tools/infra/helm.version'), 'utf8').trim();

export function helmBinary(): string {
  return join(cacheDir(), 'go-bin', 'helm');
}

/** The helm binary, built when missing (about three minutes on two cores the first time). */
export function installHelm(log: (m: string) => void = () => undefined): string {
  const bin = helmBinary();
  if (existsSync(bin)) return bin;
  requireTool(
    'go',
    'to build helm (go install)',
    'Install Go 1.24+ (Debian: apt-get install golang, or from go.dev).',
  );
  log(`building helm with go install (${HELM_MODULE}); this takes a few minutes the first time`);
  mkdirSync(join(cacheDir(), 'go-bin'), { recursive: true });
  execFileSync('go', ['install', HELM_MODULE], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, GOBIN: join(cacheDir(), 'go-bin'), CGO_ENABLED: '0' },
  });
  return bin;
}

export interface PrometheusTools {
  prometheus: string;
  promtool: string;
}

/** prometheus and promtool, installed from Debian's package when missing (needs root). */
export function installPrometheus(log: (m: string) => void = () => undefined): PrometheusTools {
  const found = () => ({ prometheus: which('prometheus'), promtool: which('promtool') });
  let tools = found();
  if (!tools.prometheus || !tools.promtool) {
    if (process.getuid?.() !== 0) {
      throw new Error(
        "prometheus is missing: install Debian's package (sudo apt-get install --no-install-recommends prometheus)",
      );
    }
    log('installing prometheus with apt-get');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'prometheus'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
    tools = found();
    if (!tools.prometheus || !tools.promtool)
      throw new Error('apt-get installed prometheus, but prometheus or promtool is not on PATH');
  }
  return { prometheus: tools.prometheus, promtool: tools.promtool };
}
