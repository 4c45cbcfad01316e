/**
 * The admin command line's plumbing: commands declare their words, arguments and options; `main.ts` picks one,
 * parses with node:util parseArgs (unknown options are usage errors) and maps failures to exit codes:
 * 0 ok, 1 failure, 2 usage error.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AdminContext } from './admin-context.js';

export class UsageError extends Error {}

/** A failure the operator caused or can fix (unknown account, revoked token ...): exit 1 with the message. */
export class CommandError extends Error {}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
  json: boolean;
}

export interface Command {
  /** The command words, e.g. ['account', 'create']. */
  words: string[];
  /** Positional arguments after the words, e.g. ['<email>']. */
  args: string[];
  /** Options besides --json and --help, with their help text. */
  options?: Record<string, { type: 'string' | 'boolean'; help: string; value?: string }>;
  summary: string;
  run(ctx: AdminContext, input: Parsed): Promise<void>;
}

export function usageLine(c: Command): string {
  const opts = Object.entries(c.options ?? {}).map(([name, o]) =>
    o.type === 'string' ? `[--${name} <${o.value ?? name}>]` : `[--${name}]`,
  );
  return [...c.words, ...c.args, ...opts, '[--json]'].join(' ');
}

export function parseCommandLine(c: Command, argv: string[]): Parsed {
  const options: OptionSpec = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(c.options ?? {})) options[name] = { type: o.type };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const positionals = parsed.positionals;
  if (positionals.length !== c.args.length) {
    throw new UsageError(
      `expected ${c.args.length ? c.args.join(' ') : 'no arguments'}, got ${positionals.length ? positionals.join(' ') : 'none'}`,
    );
  }
  return { positionals, values: parsed.values as Parsed['values'], json: parsed.values.json === true };
}

/** Prints the JSON form with --json, else the human lines. */
export function output(input: Parsed, json: unknown, human: string | string[]): void {
  const text = input.json ? JSON.stringify(json, null, 2) : Array.isArray(human) ? human.join('\n') : human;
  process.stdout.write(`${text}\n`);
}

/** A required positive integer option (e.g. --expires-days). */
export function positiveInt(input: Parsed, name: string): number | null {
  const raw = input.values[name];
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,5}$/.test(raw))
    throw new UsageError(`--${name} must be a positive whole number`);
  return Number(raw);
}
