/**
 * Configuration from environment variables only (twelve-factor, DESIGN.md invariant 10).
 *
 * Every variable the project reads is declared once in `ENV` (env.catalog.ts) with its type, default and
 * description; the README's configuration table is generated from the same catalog and a test keeps them in
 * sync. A service asks for the subset it needs; a bad value fails start-up with a message naming the variable.
 */
import { ENV, type EnvName, type EnvSpec } from './env.catalog.js';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`configuration error: ${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type ValueOf<S extends EnvSpec> = S['type'] extends 'int'
  ? number
  : S['type'] extends 'bool'
    ? boolean
    : S['type'] extends 'list'
      ? string[]
      : string;

type Defaulted<S extends EnvSpec> = S extends { default: unknown } ? ValueOf<S> : ValueOf<S> | undefined;

export type Config<N extends EnvName> = { [K in N]: Defaulted<(typeof ENV)[K]> };

function parseValue(name: string, spec: EnvSpec, raw: string): unknown {
  switch (spec.type) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `expected an integer, got "${raw}"`);
      const n = Number(raw.trim());
      if (spec.min !== undefined && n < spec.min) throw new ConfigError(name, `must be >= ${spec.min}, got ${n}`);
      if (spec.max !== undefined && n > spec.max) throw new ConfigError(name, `must be <= ${spec.max}, got ${n}`);
      return n;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
      throw new ConfigError(name, `expected true or false, got "${raw}"`);
    }
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'url': {
      try {
        new URL(raw);
      } catch {
        throw new ConfigError(name, `expected a URL, got "${raw}"`);
      }
      return raw;
    }
    case 'enum':
      if (!spec.values?.includes(raw)) {
        throw new ConfigError(name, `expected one of ${spec.values?.join(', ')}, got "${raw}"`);
      }
      return raw;
    case 'string':
      return raw;
    default: {
      const never: never = spec.type;
      throw new Error(`unknown env type ${String(never)}`);
    }
  }
}

/** Reads and validates the named variables; throws ConfigError naming the first bad one. */
export function loadConfig<N extends EnvName>(
  names: readonly N[],
  env: NodeJS.ProcessEnv = process.env,
): Config<N> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const spec = ENV[name] as EnvSpec;
    const raw = env[name];
    if (raw === undefined || raw === '') {
      if ('default' in spec) out[name] = spec.default;
      else if (spec.required) throw new ConfigError(name, 'is required but not set');
      else out[name] = undefined;
      continue;
    }
    out[name] = parseValue(name, spec, raw);
  }
  return out as Config<N>;
}
