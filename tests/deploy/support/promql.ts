/**
 * What the dashboards and alert rules query: every PromQL expression in the Grafana dashboards and the rule file,
 * and the metric names in an expression (a small tokenizer, enough for the expressions we write: strings,
 * label matchers, ranges and grouping clauses are dropped, then identifiers that are not followed by "(" and
 * are not keywords are metric names).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR } from './chart.js';

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
  'atan2',
  'start',
  'end',
]);

/** Metric names an expression selects. */
export function metricNames(expr: string): string[] {
  let s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\boffset\s+-?(\d+(ms|[smhdwy]))+/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  s = s.replace(/(?<![\w:.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, ' ');
  const names = new Set<string>();
  for (const m of s.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const after = s.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(m[0])) continue;
    names.add(m[0]);
  }
  return [...names].sort();
}

export interface PanelQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

export const DASHBOARD_DIR = join(CHART_DIR, 'files', 'grafana');
export const RULES_FILE = join(CHART_DIR, 'files', 'prometheus', 'jmap-store.rules.yaml');

interface Panel {
  title?: string;
  type?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

export function dashboards(): Array<{
  file: string;
  json: { uid: string; title: string; panels: Panel[]; templating?: unknown };
}> {
  return readdirSync(DASHBOARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(DASHBOARD_DIR, file), 'utf8')) }));
}

/** Every query of every panel (rows' nested panels included). */
export function panelQueries(): PanelQuery[] {
  const out: PanelQuery[] = [];
  const walk = (dashboard: string, panels: Panel[] = []) => {
    for (const p of panels) {
      for (const t of p.targets ?? [])
        if (t.expr) out.push({ dashboard, panel: p.title ?? '(untitled)', expr: t.expr });
      walk(dashboard, p.panels);
    }
  };
  for (const d of dashboards()) walk(d.json.title, d.json.panels);
  return out;
}

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(): Array<{ group: string; rule: Rule }> {
  const doc = parse(readFileSync(RULES_FILE, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
  return doc.groups.flatMap((g) => g.rules.map((rule) => ({ group: g.name, rule })));
}

/** Grafana's variables as a test query needs them: all services, a rate window that fits a 1 s scrape. */
export function resolveGrafanaVariables(expr: string): string {
  return expr.replace(/\$__rate_interval/g, '1m').replace(/\$service\b/g, '.+');
}

/** Series Prometheus makes itself for each target, not exported by a service. */
export const SYNTHETIC = new Set(['up']);

/** Metric families in a /metrics page, with their type. */
export function exportedFamilies(text: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(m[1], m[2]);
  return families;
}

/** True when `name` is a family of `families` or a series of one of its histograms or summaries. */
export function isExported(name: string, families: Map<string, string>): boolean {
  if (families.has(name)) return true;
  const m = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (!m) return false;
  const type = families.get(m[1]);
  return type === 'histogram' || (type === 'summary' && m[2] !== 'bucket');
}
