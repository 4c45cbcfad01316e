/**
 * A real Prometheus (Debian's package) for the tests: scrapes given targets every second under job="jmap-store"
 * (as the chart's ServiceMonitors label them), loads the chart's alert rules, and answers the HTTP query API.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort, installPrometheus, sleep } from '@jmap/testing';
import { RULES_FILE } from './promql.js';

export interface Target {
  service: string;
  port: number;
}

export interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

export class Prometheus {
  private log = '';

  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20_000)));
    child.stderr?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20_000)));
  }

  static async start(
    targets: readonly Target[],
    log: (m: string) => void = () => undefined,
  ): Promise<Prometheus> {
    const { prometheus } = installPrometheus(log);
    const dir = mkdtempSync(join(tmpdir(), 'jmap-prometheus-'));
    const config = {
      global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
      rule_files: [RULES_FILE],
      scrape_configs: [
        {
          job_name: 'jmap-store',
          honor_labels: true,
          static_configs: targets.map((t) => ({
            targets: [`127.0.0.1:${t.port}`],
            labels: { service: t.service },
          })),
        },
      ],
    };
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    const port = await freePort();
    const child = spawn(
      prometheus,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const p = new Prometheus(`http://127.0.0.1:${port}`, child, dir);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await fetch(`${p.url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return p;
      if (child.exitCode !== null || Date.now() > deadline) {
        await p.stop();
        throw new Error(`prometheus did not start:\n${p.log}`);
      }
      await sleep(200);
    }
  }

  async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.url}/api/v1/${path}?${new URLSearchParams(params)}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`${path} ${JSON.stringify(params)}: ${body.error}`);
    return body.data;
  }

  /** An instant vector query. */
  async query(expr: string): Promise<QueryResult[]> {
    const data = await this.api<{ resultType: string; result: QueryResult[] }>('query', { query: expr });
    if (data.resultType !== 'vector') throw new Error(`${expr}: expected a vector, got ${data.resultType}`);
    return data.result;
  }

  /** Waits until `probe` holds, polling once a scrape. */
  async until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await probe().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(500);
    }
  }

  get output(): string {
    return this.log;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await new Promise((r) => this.child.once('exit', r));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
