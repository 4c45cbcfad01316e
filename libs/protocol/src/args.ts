/**
 * Argument validation for method calls: every argument is checked for type and presence, and arguments the
 * method does not define are rejected, each with invalidArguments naming the argument (RFC 8620 section
 * 3.6.2). Types follow RFC 8620 section 1: Id (1-255 chars of URL-safe base64), Int/UnsignedInt (safe
 * integers), UTCDate.
 */
import { MethodError } from './errors.js';

const ID_RE = /^[A-Za-z0-9_-]{1,255}$/;
const UTC_DATE_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export const isId = (v: unknown): v is string => typeof v === 'string' && ID_RE.test(v);
export const isUtcDate = (v: unknown): v is string => typeof v === 'string' && UTC_DATE_RE.test(v) && !Number.isNaN(Date.parse(v));
export const isDate = (v: unknown): v is string => typeof v === 'string' && DATE_RE.test(v) && !Number.isNaN(Date.parse(v));
export const isUnsignedInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
export const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const bad = (name: string, what: string) => new MethodError('invalidArguments', `"${name}" ${what}.`);

export class Args {
  private readonly seen = new Set<string>();

  constructor(private readonly args: Record<string, unknown>) {}

  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.args, name) && this.args[name] !== undefined;
  }

  raw(name: string): unknown {
    this.seen.add(name);
    return this.args[name];
  }

  /** Rejects arguments that none of the readers asked for. Call after reading every argument. */
  done(): void {
    const unknown = Object.keys(this.args).filter((k) => !this.seen.has(k));
    if (unknown.length > 0) throw new MethodError('invalidArguments', `Unknown argument${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}.`);
  }

  requiredId(name: string): string {
    const v = this.raw(name);
    if (v === undefined) throw bad(name, 'is required');
    if (!isId(v)) throw bad(name, 'must be an Id');
    return v;
  }

  id(name: string): string | null {
    const v = this.raw(name);
    if (v === undefined || v === null) return null;
    if (!isId(v)) throw bad(name, 'must be an Id or null');
    return v;
  }

  requiredString(name: string): string {
    const v = this.raw(name);
    if (typeof v !== 'string') throw bad(name, v === undefined ? 'is required' : 'must be a String');
    return v;
  }

  string(name: string): string | null {
    const v = this.raw(name);
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw bad(name, 'must be a String or null');
    return v;
  }

  boolean(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw bad(name, 'must be a Boolean');
    return v;
  }

  int(name: string, fallback: number): number {
    const v = this.raw(name);
    if (v === undefined || v === null) return fallback;
    if (!isInt(v)) throw bad(name, 'must be an Int');
    return v;
  }

  unsignedInt(name: string): number | null {
    const v = this.raw(name);
    if (v === undefined || v === null) return null;
    if (!isUnsignedInt(v)) throw bad(name, 'must be an UnsignedInt');
    return v;
  }

  /** Id[] or null; duplicates removed, order kept. */
  ids(name: string, required = false): string[] | null {
    const v = this.raw(name);
    if (v === undefined || v === null) {
      if (required) throw bad(name, 'is required');
      return null;
    }
    if (!Array.isArray(v) || !v.every(isId)) throw bad(name, 'must be an array of Ids');
    return [...new Set(v as string[])];
  }

  strings(name: string): string[] | null {
    const v = this.raw(name);
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw bad(name, 'must be an array of Strings');
    return v as string[];
  }

  object(name: string): Record<string, unknown> | null {
    const v = this.raw(name);
    if (v === undefined || v === null) return null;
    if (!isPlainObject(v)) throw bad(name, 'must be an object');
    return v;
  }
}
