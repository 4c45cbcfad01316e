/**
 * EmailSubmission/query filtering and sorting (RFC 8621 7.3): FilterCondition identityIds, emailIds, threadIds,
 * undoStatus, before, after (on sendAt); FilterOperator AND/OR/NOT; sorts emailId, threadId and sentAt (the
 * RFC's name for sorting by sendAt). Ties fall back to the id, so the order is total and stable.
 */

export interface SubmissionQueryRow {
  id: string;
  identityId: string;
  emailId: string;
  threadId: string;
  undoStatus: string;
  sendAt: string;
}

export const SUBMISSION_FILTER_PROPERTIES = [
  'identityIds',
  'emailIds',
  'threadIds',
  'undoStatus',
  'before',
  'after',
] as const;
export const SUBMISSION_SORT_PROPERTIES = ['emailId', 'threadId', 'sentAt'] as const;

export type SubmissionFilter = Record<string, unknown>;

export interface SubmissionComparator {
  property: string;
  isAscending: boolean;
}

function matchCondition(r: SubmissionQueryRow, c: Record<string, unknown>): boolean {
  if (Array.isArray(c.identityIds) && !c.identityIds.includes(r.identityId)) return false;
  if (Array.isArray(c.emailIds) && !c.emailIds.includes(r.emailId)) return false;
  if (Array.isArray(c.threadIds) && !c.threadIds.includes(r.threadId)) return false;
  if (typeof c.undoStatus === 'string' && c.undoStatus !== r.undoStatus) return false;
  const t = Date.parse(r.sendAt);
  if (typeof c.before === 'string' && !(t < Date.parse(c.before))) return false;
  if (typeof c.after === 'string' && !(t >= Date.parse(c.after))) return false;
  return true;
}

export function matchesFilter(r: SubmissionQueryRow, f: SubmissionFilter | null): boolean {
  if (f === null) return true;
  if ('operator' in f) {
    const conditions = f.conditions as SubmissionFilter[];
    switch (f.operator) {
      case 'AND':
        return conditions.every((c) => matchesFilter(r, c));
      case 'OR':
        return conditions.some((c) => matchesFilter(r, c));
      default:
        return !conditions.some((c) => matchesFilter(r, c));
    }
  }
  return matchCondition(r, f);
}

const key = (r: SubmissionQueryRow, property: string): string | number =>
  property === 'sentAt' ? Date.parse(r.sendAt) : property === 'emailId' ? r.emailId : r.threadId;

export function querySubmissions(
  rows: readonly SubmissionQueryRow[],
  filter: SubmissionFilter | null,
  sort: readonly SubmissionComparator[],
): string[] {
  const matched = rows.filter((r) => matchesFilter(r, filter));
  matched.sort((a, b) => {
    for (const c of sort) {
      const x = key(a, c.property);
      const y = key(b, c.property);
      if (x !== y) return (x < y ? -1 : 1) * (c.isAscending ? 1 : -1);
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
  return matched.map((r) => r.id);
}
