/**
 * /queryChanges (RFC 8620 section 5.6 with errata 6603 and 6604). Given which ids changed since the old query
 * state (from the change log) and the new sorted results, `removed` lists every changed id that may have left
 * or moved (updated or destroyed since the old state), and `added` every changed id that is in the new results,
 * with its index. With upToId, added ids after it in the new results are omitted; removed ids cannot be placed
 * in the old results, so upToId is ignored for them, as the erratum requires.
 */
import { type Args } from '../args.js';
import { MethodError } from '../errors.js';
import { parseComparators, type Comparator } from './query.js';

export interface QueryChangesRequest {
  accountId: string;
  filter: Record<string, unknown> | null;
  sort: Comparator[];
  sinceQueryState: string;
  maxChanges: number | null;
  upToId: string | null;
  calculateTotal: boolean;
}

export function parseQueryChangesRequest(args: Args, sortable: ReadonlySet<string>): QueryChangesRequest {
  const accountId = args.requiredId('accountId');
  const filter = args.object('filter');
  const sort = parseComparators(args.raw('sort'), sortable);
  const sinceQueryState = args.requiredString('sinceQueryState');
  const maxChanges = args.unsignedInt('maxChanges');
  if (maxChanges === 0) throw new MethodError('invalidArguments', '"maxChanges" must be greater than 0.');
  const upToId = args.id('upToId');
  const calculateTotal = args.boolean('calculateTotal', false);
  return { accountId, filter, sort, sinceQueryState, maxChanges, upToId, calculateTotal };
}

export interface QueryChangesResult {
  removed: string[];
  added: Array<{ id: string; index: number }>;
}

export function computeQueryChanges(input: {
  /** Ids created, updated or destroyed since the old state (any order). */
  changed: ReadonlySet<string>;
  /** Of those, the ids that existed before the old state (updated or destroyed): only these can be removed. */
  mayHaveBeenPresent: ReadonlySet<string>;
  /** The new results, sorted. */
  newIds: readonly string[];
  upToId: string | null;
  maxChanges: number | null;
}): QueryChangesResult {
  const removed = [...input.mayHaveBeenPresent];
  const upTo = input.upToId === null ? -1 : input.newIds.indexOf(input.upToId);
  const added: Array<{ id: string; index: number }> = [];
  input.newIds.forEach((id, index) => {
    if (!input.changed.has(id)) return;
    if (upTo >= 0 && index > upTo) return;
    added.push({ id, index });
  });
  if (input.maxChanges !== null && removed.length + added.length > input.maxChanges) {
    throw new MethodError('tooManyChanges', `More than ${input.maxChanges} changes.`);
  }
  return { removed, added };
}

/**
 * The /queryChanges response (RFC 8620 5.6): what changed since the old query state (`changed`, and of those the
 * ids that existed before it) against the new sorted results, with the total when asked for.
 */
export function queryChangesResponse(
  req: QueryChangesRequest,
  since: { changed: ReadonlySet<string>; existedBefore: ReadonlySet<string> },
  newQueryState: string,
  newIds: readonly string[],
) {
  const { removed, added } = computeQueryChanges({
    changed: since.changed,
    mayHaveBeenPresent: since.existedBefore,
    newIds,
    upToId: req.upToId,
    maxChanges: req.maxChanges,
  });
  return {
    accountId: req.accountId,
    oldQueryState: req.sinceQueryState,
    newQueryState,
    removed,
    added,
    ...(req.calculateTotal ? { total: newIds.length } : {}),
  };
}
