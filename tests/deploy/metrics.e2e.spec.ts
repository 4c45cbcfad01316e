/**
 * The monitoring that deploy/ ships against the running services: every metric the Grafana dashboards and the
 * alert rules query is exported by a service, and a real Prometheus scraping all of them (as the chart's
 * ServiceMonitors do) answers every dashboard panel with data and evaluates every rule.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsRepository } from '@jmap/accounts';
import {
  SERVICES,
  installPrometheus,
  sleep,
  startTestStack,
  type JmapTestClient,
  type TestStack,
} from '@jmap/testing';
import { Prometheus } from './support/prometheus.js';
import {
  RULES_FILE,
  SYNTHETIC,
  alertRules,
  exportedFamilies,
  isExported,
  metricNames,
  panelQueries,
  resolveGrafanaVariables,
} from './support/promql.js';

const USING = ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'];
const log = (m: string) => process.stdout.write(`[metrics.e2e] ${m}\n`);

let stack: TestStack;
let prometheus: Prometheus;
let client: JmapTestClient;
let accountId: string;

/** A little of everything the gateway and the mailbox service do, including a method-level error. */
async function traffic(rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const res = await client.api(USING, [
      ['Mailbox/set', { accountId, create: { m: { name: `Folder ${Date.now()}-${i}` } } }, 'set'],
      ['Mailbox/get', { accountId }, 'get'],
      ['Mailbox/query', { accountId }, 'query'],
      // A method-level error (counted by outcome; unknown method names are not, to bound label cardinality).
      ['Mailbox/get', { accountId: 'no-such-account' }, 'error'],
    ]);
    expect(res.status).toBe(200);
    expect(res.body.methodResponses.map(([name]) => name)).toEqual([
      'Mailbox/set',
      'Mailbox/get',
      'Mailbox/query',
      'error',
    ]);
    expect(res.body.methodResponses[3][1]).toMatchObject({ type: 'accountNotFound' });
    expect(Object.keys(res.body.methodResponses[0][1].created as object)).toEqual(['m']);
    await sleep(400);
  }
}

beforeAll(async () => {
  const started = Date.now();
  installPrometheus(log);
  stack = await startTestStack({ services: SERVICES, env: { LOG_LEVEL: 'warn' } });
  log(`${SERVICES.length} services ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  ({ accountId } = await new AccountsRepository(stack.db).createAccount({
    email: 'metrics@example.com',
    password: 'metrics-secret',
  }));
  client = stack.client({ email: 'metrics@example.com', password: 'metrics-secret' });
  prometheus = await Prometheus.start(
    SERVICES.map((service) => ({ service, port: Number(new URL(stack.opsUrl(service)).port) })),
    log,
  );
  await prometheus.until(
    'every target up',
    async () => (await prometheus.query('up{job="jmap-store"} == 1')).length === SERVICES.length,
  );
  // Traffic over several scrapes, so that every rate has two samples that differ.
  await traffic(12);
  await sleep(2500);
}, 240_000);

afterAll(async () => {
  await prometheus?.stop();
  await stack?.stop();
});

describe('the dashboards and alert rules against the running services', () => {
  it('query only metrics that a running service exports', async () => {
    const families = new Map<string, string>();
    for (const service of SERVICES) {
      const res = await fetch(`${stack.opsUrl(service)}/metrics`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text, service).toContain(`service="${service}"`);
      for (const [name, type] of exportedFamilies(text)) families.set(name, type);
    }
    const queries = [
      ...panelQueries().map((q) => ({ where: `${q.dashboard} / ${q.panel}`, expr: q.expr })),
      ...alertRules().map(({ rule }) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
    ];
    expect(queries.length).toBeGreaterThan(40);
    const missing: string[] = [];
    const queried = new Set<string>();
    for (const { where, expr } of queries) {
      const names = metricNames(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) {
        queried.add(name);
        if (!SYNTHETIC.has(name) && !isExported(name, families)) missing.push(`${name} (${where})`);
      }
    }
    expect(missing).toEqual([]);
    // The metrics the operations guide names are all queried somewhere.
    for (const name of [
      'jmap_kafka_consumer_lag',
      'jmap_outbox_lag_seconds',
      'jmap_dead_letters_total',
      'jmap_blob_store_errors_total',
    ]) {
      expect(
        [...queried].some((q) => q.startsWith(name)),
        name,
      ).toBe(true);
    }
  });

  it('get data from Prometheus for every dashboard panel', async () => {
    const empty: string[] = [];
    for (const q of panelQueries()) {
      const result = await prometheus.query(resolveGrafanaVariables(q.expr));
      const finite = result.some((r) => Number.isFinite(Number(r.value[1])));
      if (!finite)
        empty.push(`${q.dashboard} / ${q.panel}: ${q.expr} -> ${JSON.stringify(result).slice(0, 200)}`);
    }
    expect(empty).toEqual([]);
  });

  it('are valid rules that Prometheus evaluates without error, and a healthy stack fires none of them', async () => {
    execFileSync(installPrometheus().promtool, ['check', 'rules', RULES_FILE], { stdio: 'pipe' });
    type RuleState = {
      name: string;
      health: string;
      lastError?: string;
      lastEvaluation: string;
      state?: string;
    };
    const rules = async () =>
      (
        await prometheus.api<{ groups: Array<{ rules: RuleState[] }> }>('rules', { type: 'alert' })
      ).groups.flatMap((g) => g.rules);
    // Every rule evaluated at least once since the traffic.
    await prometheus.until('every rule evaluated', async () =>
      (await rules()).every((r) => !r.lastEvaluation.startsWith('0001')),
    );
    const evaluated = await rules();
    expect(evaluated.map((r) => r.name).sort()).toEqual(
      alertRules()
        .map(({ rule }) => rule.alert!)
        .sort(),
    );
    expect(evaluated.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    const { alerts } = await prometheus.api<{
      alerts: Array<{ labels: Record<string, string>; state: string }>;
    }>('alerts');
    expect(alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname)).toEqual([]);
  });

  it('reports a killed service as down and puts JmapServiceDown in pending for it', async () => {
    await stack.kill('push-service', 1, 'SIGKILL');
    await prometheus.until(
      'push-service scraped as down',
      async () => (await prometheus.query('up{job="jmap-store",service="push-service"} == 0')).length === 1,
    );
    await prometheus.until('JmapServiceDown pending for push-service', async () => {
      const { alerts } = await prometheus.api<{
        alerts: Array<{ labels: Record<string, string>; state: string }>;
      }>('alerts');
      return alerts.some(
        (a) =>
          a.labels.alertname === 'JmapServiceDown' &&
          a.labels.service === 'push-service' &&
          a.state === 'pending',
      );
    });
    const up = await prometheus.query('sum by (service) (up{job="jmap-store"})');
    expect(
      up
        .filter((r) => r.value[1] === '1')
        .map((r) => r.metric.service)
        .sort(),
    ).toEqual(SERVICES.filter((s) => s !== 'push-service').sort());
  });
});
