/**
 * /changes (RFC 8620 section 5.2) over the per-type change log. A state names a position in the log: "m"
 * means everything up to modseq m, "m:o" (only ever returned as an intermediate newState when maxChanges cut a
 * modseq in the middle) means modseq m up to object id o. Folding per id: created then destroyed since the old
 * state is left out; created then updated is created; updated then destroyed is destroyed.
 */
import { type Args } from '../args.js';
import { MethodError } from '../errors.js';

export interface ChangesRequest {
  accountId: string;
  sinceState: string;
  maxChanges: number | null;
}

export function parseChangesRequest(args: Args): ChangesRequest {
  const accountId = args.requiredId('accountId');
  const sinceState = args.requiredString('sinceState');
  const maxChanges = args.unsignedInt('maxChanges');
  if (maxChanges === 0) throw new MethodError('invalidArguments', '"maxChanges" must be greater than 0.');
  return { accountId, sinceState, maxChanges };
}

export interface ChangeCursor {
  modseq: number;
  /** Last object id included at `modseq`; null when the whole modseq is included. */
  objectId: string | null;
}

export function encodeCursor(c: ChangeCursor): string {
  return c.objectId === null ? String(c.modseq) : `${c.modseq}:${c.objectId}`;
}

export function decodeCursor(state: string): ChangeCursor | null {
  const m = /^(0|[1-9][0-9]{0,15})(?::([A-Za-z0-9_-]{1,255}))?$/.exec(state);
  if (!m) return null;
  const modseq = Number(m[1]);
  if (!Number.isSafeInteger(modseq)) return null;
  return { modseq, objectId: m[2] ?? null };
}

/** Resolves a client's sinceState against the current position; cannotCalculateChanges when it is not ours. */
export function sinceCursor(sinceState: string, current: number): ChangeCursor {
  const c = decodeCursor(sinceState);
  if (!c || c.modseq > current) {
    throw new MethodError('cannotCalculateChanges', 'The state is not one this server issued for this account and type.');
  }
  return c;
}

export interface ChangeLogRow {
  modseq: number;
  objectId: string;
  kind: 'c' | 'u' | 'd';
  props: string[] | null;
}

export interface FoldedChanges {
  created: string[];
  updated: string[];
  destroyed: string[];
  newState: string;
  hasMoreChanges: boolean;
  /** Union of the properties of every update when all rows were property-scoped updates; else null. */
  updatedProperties: string[] | null;
}

/**
 * Folds change rows (in (modseq, objectId) order, at most `limit` of them fetched plus one to detect more)
 * into a /changes answer. `current` is the type's state, read BEFORE the rows so the answer never claims
 * changes it did not return (invariant 4).
 */
export function foldChanges(rows: readonly ChangeLogRow[], limit: number, since: ChangeCursor, current: number): FoldedChanges {
  const hasMoreChanges = rows.length > limit;
  const window = hasMoreChanges ? rows.slice(0, limit) : rows;
  const first = new Map<string, ChangeLogRow['kind']>();
  const last = new Map<string, ChangeLogRow['kind']>();
  let scoped = window.length > 0;
  const props = new Set<string>();
  for (const r of window) {
    if (!first.has(r.objectId)) first.set(r.objectId, r.kind);
    last.set(r.objectId, r.kind);
    if (r.kind !== 'u' || r.props === null) scoped = false;
    else for (const p of r.props) props.add(p);
  }
  const created: string[] = [];
  const updated: string[] = [];
  const destroyed: string[] = [];
  for (const [id, f] of first) {
    const l = last.get(id)!;
    if (f === 'c' && l === 'd') continue;
    if (f === 'c') created.push(id);
    else if (l === 'd') destroyed.push(id);
    else updated.push(id);
  }
  let newState: string;
  if (hasMoreChanges) {
    const end = window[window.length - 1];
    const next = rows[limit];
    newState = encodeCursor({ modseq: end.modseq, objectId: next.modseq === end.modseq ? end.objectId : null });
  } else {
    newState = String(window.length === 0 ? Math.max(current, since.modseq) : Math.max(current, window[window.length - 1].modseq));
  }
  return { created, updated, destroyed, newState, hasMoreChanges, updatedProperties: scoped ? [...props].sort() : null };
}
