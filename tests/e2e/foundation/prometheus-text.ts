/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), enough to prove that a /metrics
 * answer is valid: every line is a comment (# HELP / # TYPE / other), blank, or a sample
 * `name{label="value",...} value [timestamp]`; TYPE comes at most once per family and before its samples.
 */
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?Inf|NaN)$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export interface ParsedMetrics {
  families: Map<string, string>;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without value`);
    const name = text.slice(i, eq).trim();
    if (!LABEL.test(name)) throw new Error(`line ${line}: bad label name "${name}"`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let j = eq + 2;
    let value = '';
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`line ${line}: bad escape \\${next}`);
      } else value += text[j];
    }
    if (j >= text.length) throw new Error(`line ${line}: unterminated label value`);
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (i < text.length) throw new Error(`line ${line}: expected "," between labels`);
  }
  return labels;
}

export function parsePrometheusText(text: string): ParsedMetrics {
  const families = new Map<string, string>();
  const seenSamples = new Set<string>();
  const samples: ParsedMetrics['samples'] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(raw);
      if (!m) return; // other comments are allowed
      if (!NAME.test(m[2])) throw new Error(`line ${line}: bad metric name in ${m[1]}`);
      if (m[1] === 'TYPE') {
        if (!TYPES.has(m[3] ?? '')) throw new Error(`line ${line}: unknown type "${m[3]}"`);
        if (families.has(m[2])) throw new Error(`line ${line}: second TYPE for ${m[2]}`);
        if (seenSamples.has(m[2])) throw new Error(`line ${line}: TYPE after samples of ${m[2]}`);
        families.set(m[2], m[3]!);
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?$/.exec(raw);
    if (!m) throw new Error(`line ${line}: not a sample: ${raw}`);
    if (!VALUE.test(m[3])) throw new Error(`line ${line}: bad value "${m[3]}"`);
    const name = m[1];
    seenSamples.add(name.replace(/_(bucket|sum|count|total)$/, ''));
    seenSamples.add(name);
    samples.push({ name, labels: m[2] ? parseLabels(m[2], line) : {}, value: Number(m[3].replace('Inf', 'Infinity')) });
  });
  return { families, samples };
}
