/**
 * Validation of Email/query's filter and sort (RFC 8621 4.4.1, 4.4.2; RFC 8620 5.5): an unknown filter property
 * or operator is unsupportedFilter, an unknown sort property or collation unsupportedSort, a value of the wrong
 * type invalidArguments. The result is the typed tree the SQL builder (libs/email/data-access) translates.
 */
import type {
  EmailComparator,
  EmailFilter,
  EmailFilterCondition,
  EmailSortProperty,
} from '@jmap/email-data-access';
import { isValidKeyword } from '@jmap/email-domain';
import { MethodError, isId, isPlainObject, isUnsignedInt, isUtcDate, parseComparators } from '@jmap/protocol';

export const EMAIL_SORT_PROPERTIES: readonly EmailSortProperty[] = [
  'receivedAt',
  'sentAt',
  'size',
  'from',
  'to',
  'subject',
  'hasKeyword',
  'allInThreadHaveKeyword',
  'someInThreadHaveKeyword',
];
const SORTABLE = new Set<string>(EMAIL_SORT_PROPERTIES);
const KEYWORD_SORTS = new Set<string>(['hasKeyword', 'allInThreadHaveKeyword', 'someInThreadHaveKeyword']);

/** Longest search string accepted (a bound on the tsquery the database builds). */
const MAX_SEARCH_LENGTH = 1024;
/** Nesting bound of FilterOperators: deeper trees are unsupportedFilter (RFC 8620 5.5 lets servers limit). */
const MAX_DEPTH = 32;

type Check = (v: unknown) => boolean;
const isKeyword: Check = (v) => typeof v === 'string' && isValidKeyword(v);
const isSearch: Check = (v) => typeof v === 'string' && v.length <= MAX_SEARCH_LENGTH;

const CONDITIONS: Record<keyof EmailFilterCondition, Check> = {
  inMailbox: isId,
  inMailboxOtherThan: (v) => Array.isArray(v) && v.every(isId),
  before: isUtcDate,
  after: isUtcDate,
  minSize: isUnsignedInt,
  maxSize: isUnsignedInt,
  allInThreadHaveKeyword: isKeyword,
  someInThreadHaveKeyword: isKeyword,
  noneInThreadHaveKeyword: isKeyword,
  hasKeyword: isKeyword,
  notKeyword: isKeyword,
  hasAttachment: (v) => typeof v === 'boolean',
  text: isSearch,
  from: isSearch,
  to: isSearch,
  cc: isSearch,
  bcc: isSearch,
  subject: isSearch,
  body: isSearch,
  header: (v) =>
    Array.isArray(v) &&
    v.length >= 1 &&
    v.length <= 2 &&
    v.every((s) => typeof s === 'string' && s.length <= MAX_SEARCH_LENGTH) &&
    v[0] !== '',
};

const KEYWORD_CONDITIONS = [
  'allInThreadHaveKeyword',
  'someInThreadHaveKeyword',
  'noneInThreadHaveKeyword',
  'hasKeyword',
  'notKeyword',
] as const;

function condition(c: Record<string, unknown>): EmailFilterCondition {
  for (const [k, v] of Object.entries(c)) {
    if (!Object.prototype.hasOwnProperty.call(CONDITIONS, k)) {
      throw new MethodError('unsupportedFilter', `Email/query cannot filter on "${k}".`);
    }
    if (!CONDITIONS[k as keyof EmailFilterCondition](v)) {
      throw new MethodError('invalidArguments', `Filter property "${k}" has the wrong type or value.`);
    }
  }
  const out = { ...c } as EmailFilterCondition;
  // Keywords are case-insensitive and stored lowercase (RFC 8621 4.1.1).
  for (const k of KEYWORD_CONDITIONS) if (out[k] !== undefined) out[k] = out[k]!.toLowerCase();
  return out;
}

export function parseEmailFilter(filter: unknown, depth = 0): EmailFilter {
  if (!isPlainObject(filter)) throw new MethodError('invalidArguments', 'A filter must be an object.');
  if (depth > MAX_DEPTH)
    throw new MethodError('unsupportedFilter', `The filter is nested more than ${MAX_DEPTH} levels.`);
  if (!('operator' in filter)) return { condition: condition(filter) };
  const { operator, conditions, ...rest } = filter;
  if (Object.keys(rest).length > 0)
    throw new MethodError('invalidArguments', 'A FilterOperator has only "operator" and "conditions".');
  if (operator !== 'AND' && operator !== 'OR' && operator !== 'NOT') {
    throw new MethodError('unsupportedFilter', `Unknown filter operator ${JSON.stringify(operator)}.`);
  }
  if (!Array.isArray(conditions))
    throw new MethodError('invalidArguments', 'A FilterOperator needs a "conditions" array.');
  return { operator, conditions: conditions.map((c) => parseEmailFilter(c, depth + 1)) };
}

export function parseEmailSort(raw: unknown): EmailComparator[] {
  return parseComparators(raw, SORTABLE).map((c) => {
    if (KEYWORD_SORTS.has(c.property)) {
      if (c.keyword === undefined || !isValidKeyword(c.keyword)) {
        throw new MethodError('invalidArguments', `Sorting by "${c.property}" needs a valid "keyword".`);
      }
      return { ...c, property: c.property as EmailSortProperty, keyword: c.keyword.toLowerCase() };
    }
    return { property: c.property as EmailSortProperty, isAscending: c.isAscending, collation: c.collation };
  });
}

/** The search strings of the conditions that select by text (not under NOT), for SearchSnippet/get. */
export function searchTerms(f: EmailFilter | null): { text: string[]; subject: string[]; body: string[] } {
  const out = { text: [] as string[], subject: [] as string[], body: [] as string[] };
  const walk = (node: EmailFilter) => {
    if ('condition' in node) {
      const c = node.condition;
      if (c.text !== undefined) out.text.push(c.text);
      if (c.subject !== undefined) out.subject.push(c.subject);
      if (c.body !== undefined) out.body.push(c.body);
      return;
    }
    if (node.operator !== 'NOT') node.conditions.forEach(walk);
  };
  if (f !== null) walk(f);
  return out;
}
