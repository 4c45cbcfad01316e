/**
 * /query (RFC 8620 section 5.5): arguments, and the window of a sorted result that position / anchor /
 * anchorOffset / limit select. A negative position counts from the end (clamped at 0); an anchor overrides
 * position and must be in the results (anchorNotFound); anchorOffset moves the start (clamped at 0);
 * the server's own limit cap is reported in the response's `limit`.
 */
import { type Args, isPlainObject } from '../args.js';
import { MethodError } from '../errors.js';

export interface Comparator {
  property: string;
  isAscending: boolean;
  collation: string | null;
  /** Extra comparator arguments some sorts take (Email's keyword sorts). */
  keyword?: string;
}

export interface QueryRequest {
  accountId: string;
  filter: Record<string, unknown> | null;
  sort: Comparator[];
  position: number;
  anchor: string | null;
  anchorOffset: number;
  limit: number | null;
  calculateTotal: boolean;
}

export const SUPPORTED_COLLATIONS = ['i;unicode-casemap', 'i;ascii-casemap', 'i;ascii-numeric', 'i;octet'];

export function parseComparators(value: unknown, sortable: ReadonlySet<string>): Comparator[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new MethodError('invalidArguments', '"sort" must be an array of Comparators.');
  return value.map((c) => {
    if (!isPlainObject(c) || typeof c.property !== 'string') {
      throw new MethodError('invalidArguments', 'Each Comparator needs a String "property".');
    }
    const { property, isAscending, collation, keyword, ...rest } = c;
    if (Object.keys(rest).length > 0) throw new MethodError('invalidArguments', `Unknown Comparator arguments: ${Object.keys(rest).join(', ')}.`);
    if (isAscending !== undefined && typeof isAscending !== 'boolean') {
      throw new MethodError('invalidArguments', '"isAscending" must be a Boolean.');
    }
    if (collation !== undefined && collation !== null && typeof collation !== 'string') {
      throw new MethodError('invalidArguments', '"collation" must be a String.');
    }
    if (!sortable.has(property as string)) throw new MethodError('unsupportedSort', `Cannot sort by "${String(property)}".`);
    if (typeof collation === 'string' && !SUPPORTED_COLLATIONS.includes(collation)) {
      throw new MethodError('unsupportedSort', `Unsupported collation "${collation}".`);
    }
    return {
      property: property as string,
      isAscending: isAscending ?? true,
      collation: (collation as string | undefined) ?? null,
      ...(typeof keyword === 'string' ? { keyword } : {}),
    };
  });
}

export function parseQueryRequest(args: Args, sortable: ReadonlySet<string>): QueryRequest {
  const accountId = args.requiredId('accountId');
  const filter = args.object('filter');
  const sort = parseComparators(args.raw('sort'), sortable);
  const position = args.int('position', 0);
  const anchor = args.id('anchor');
  const anchorOffset = args.int('anchorOffset', 0);
  const limit = args.unsignedInt('limit');
  const calculateTotal = args.boolean('calculateTotal', false);
  return { accountId, filter, sort, position, anchor, anchorOffset, limit, calculateTotal };
}

export interface QueryWindow {
  position: number;
  ids: string[];
  /** Set when the server reduced the client's limit. */
  limit?: number;
}

/** Selects the window of an in-memory sorted id list. */
export function windowOf(ids: readonly string[], req: Pick<QueryRequest, 'position' | 'anchor' | 'anchorOffset' | 'limit'>, maxLimit: number): QueryWindow {
  const total = ids.length;
  let start: number;
  if (req.anchor !== null) {
    const at = ids.indexOf(req.anchor);
    if (at < 0) throw new MethodError('anchorNotFound', 'The anchor is not in the results.');
    start = Math.max(0, at + req.anchorOffset);
  } else if (req.position < 0) {
    start = Math.max(0, total + req.position);
  } else {
    start = req.position;
  }
  const effective = req.limit === null ? maxLimit : Math.min(req.limit, maxLimit);
  const out: QueryWindow = { position: start, ids: ids.slice(start, start + effective) };
  // "if a greater value is given (or if it is null), the limit is clamped to the maximum; the new limit is
  // returned with the response so the client is aware" (RFC 8620 section 5.5).
  const clamped = req.limit === null ? Number.isFinite(maxLimit) : req.limit > maxLimit;
  if (clamped) out.limit = maxLimit;
  return out;
}

/**
 * The /query response (RFC 8620 5.5) of a type whose whole sorted result list is at hand: the requested window,
 * and the total when asked for.
 */
export function queryResponse(req: QueryRequest, queryState: string, ids: readonly string[], maxLimit: number) {
  const window = windowOf(ids, req, maxLimit);
  return {
    accountId: req.accountId,
    queryState,
    canCalculateChanges: true,
    position: window.position,
    ids: window.ids,
    ...(req.calculateTotal ? { total: ids.length } : {}),
    ...(window.limit !== undefined ? { limit: window.limit } : {}),
  };
}

/** Validates a FilterOperator tree ({operator, conditions}) and calls `condition` on each FilterCondition. */
export function walkFilter(filter: unknown, condition: (c: Record<string, unknown>) => void, depth = 0): void {
  if (!isPlainObject(filter)) throw new MethodError('invalidArguments', 'A filter must be an object.');
  if (depth > 32) throw new MethodError('unsupportedFilter', 'The filter is nested too deeply (more than 32 levels).');
  if ('operator' in filter) {
    const { operator, conditions, ...rest } = filter;
    if (Object.keys(rest).length > 0) throw new MethodError('invalidArguments', 'A FilterOperator has only "operator" and "conditions".');
    if (operator !== 'AND' && operator !== 'OR' && operator !== 'NOT') {
      throw new MethodError('unsupportedFilter', `Unknown filter operator ${JSON.stringify(operator)}.`);
    }
    if (!Array.isArray(conditions)) throw new MethodError('invalidArguments', 'A FilterOperator needs a "conditions" array.');
    for (const c of conditions) walkFilter(c, condition, depth + 1);
    return;
  }
  condition(filter);
}
