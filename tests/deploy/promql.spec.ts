/**
 * The PromQL reader behind the metrics e2e test, and the shape of the dashboards and rules it reads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@jmap/testing';
import {
  alertRules,
  dashboards,
  exportedFamilies,
  isExported,
  metricNames,
  panelQueries,
} from './support/promql.js';

describe('metricNames', () => {
  it('finds selected metrics and skips functions, keywords, labels, strings, durations and numbers', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (method, le) (rate(jmap_method_duration_seconds_bucket{job="jmap-store", method=~"Mailbox/.*"}[$__rate_interval]))) > 0.5',
      ),
    ).toEqual(['jmap_method_duration_seconds_bucket']);
    expect(
      metricNames(
        '(sum(rate(a_total{status=~"5.."}[5m])) or vector(0)) / sum without (instance) (rate(b_total[1m] offset 5m))',
      ),
    ).toEqual(['a_total', 'b_total']);
    expect(metricNames('absent(up{job="jmap-store"})')).toEqual(['up']);
    expect(
      metricNames('max by (service) (process_resident_memory_bytes) > 350e6 and on (service) up == bool 1'),
    ).toEqual(['process_resident_memory_bytes', 'up']);
    expect(metricNames('topk(10, x) / ignoring (le) group_left (method) y')).toEqual(['x', 'y']);
  });
});

describe('isExported', () => {
  const families = exportedFamilies(
    [
      '# HELP h x',
      '# TYPE h histogram',
      'h_bucket{le="1"} 1',
      '# TYPE c_total counter',
      '# TYPE s summary',
      '# TYPE g gauge',
    ].join('\n'),
  );

  it('accepts families and the series of histograms and summaries, nothing else', () => {
    expect(
      ['h_bucket', 'h_sum', 'h_count', 'c_total', 's_sum', 's_count', 'g'].every((n) =>
        isExported(n, families),
      ),
    ).toBe(true);
    expect(['h', 's_bucket', 'g_sum', 'c', 'other'].filter((n) => isExported(n, families))).toEqual(['h']);
  });
});

describe('the dashboards and rules', () => {
  it('give every dashboard a unique uid, a Prometheus datasource variable and panels with queries', () => {
    const all = dashboards();
    expect(all.map((d) => d.file)).toEqual([
      'jmap-kafka.json',
      'jmap-methods.json',
      'jmap-overview.json',
      'jmap-service.json',
    ]);
    for (const { json } of all) {
      expect(JSON.stringify(json.templating)).toContain('"type":"datasource"');
      expect(panelQueries().filter((q) => q.dashboard === json.title).length, json.title).toBeGreaterThan(4);
    }
    for (const q of panelQueries())
      expect(q.expr, `${q.dashboard} / ${q.panel}`).toContain('job="jmap-store"');
  });

  it('give every alert a severity, a summary and a runbook in docs/operations.md', () => {
    const rules = alertRules();
    expect(rules.length).toBeGreaterThanOrEqual(12);
    const guide = readFileSync(join(repoRoot(), 'docs', 'operations.md'), 'utf8');
    const anchors = new Set(
      [...guide.matchAll(/^#+ (.+)$/gm)].map((m) =>
        m[1]
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const { rule } of rules) {
      expect(rule.alert, rule.expr).toMatch(/^Jmap[A-Z]\w+$/);
      expect(['critical', 'warning']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.runbook).toMatch(/^docs\/operations\.md#[a-z-]+$/);
      expect(anchors, rule.annotations?.runbook).toContain(rule.annotations!.runbook!.split('#')[1]);
      expect(rule.expr).toContain('job="jmap-store"');
    }
  });
});
