import { queryChangesSince } from '@jmap/gateway';
import { typeState } from '@jmap/event-store';
import type { Pool } from '@jmap/platform';
import {
  Args,
  MethodError,
  SUBMISSION,
  queryChangesResponse,
  encodeState,
  isId,
  isUtcDate,
  parseQueryChangesRequest,
  parseQueryRequest,
  requireAccount,
  walkFilter,
  queryResponse,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';
import { EMAIL_SUBMISSION_TYPE } from '@jmap/submission-contracts';
import { submissionsByIds } from '@jmap/submission-data-access';
import {
  SUBMISSION_FILTER_PROPERTIES,
  SUBMISSION_SORT_PROPERTIES,
  querySubmissions,
  type SubmissionFilter,
} from '@jmap/submission-domain';

const SORTABLE = new Set<string>(SUBMISSION_SORT_PROPERTIES);
const FILTERABLE = new Set<string>(SUBMISSION_FILTER_PROPERTIES);
const MAX_LIMIT = 10_000;
const UNDO = new Set(['pending', 'final', 'canceled']);

function checkFilter(filter: Record<string, unknown> | null): SubmissionFilter | null {
  if (filter === null) return null;
  walkFilter(filter, (c) => {
    for (const [k, v] of Object.entries(c)) {
      if (!FILTERABLE.has(k))
        throw new MethodError('unsupportedFilter', `EmailSubmission/query cannot filter on "${k}".`);
      const ok =
        k === 'undoStatus'
          ? typeof v === 'string' && UNDO.has(v)
          : k === 'before' || k === 'after'
            ? isUtcDate(v)
            : Array.isArray(v) && v.every(isId);
      if (!ok) throw new MethodError('invalidArguments', `Filter property "${k}" has the wrong type.`);
    }
  });
  return filter;
}

async function sortedIds(
  pool: Pool,
  accountId: string,
  filter: SubmissionFilter | null,
  sort: Array<{ property: string; isAscending: boolean }>,
) {
  return querySubmissions(await submissionsByIds(pool, accountId, null), filter, sort);
}

/** EmailSubmission/query (RFC 8621 7.3). */
export class EmailSubmissionQueryMethod implements JmapMethod {
  readonly name = 'EmailSubmission/query';
  readonly capability = SUBMISSION;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseQueryRequest(args, SORTABLE);
    args.done();
    requireAccount(ctx, req.accountId, SUBMISSION);
    const filter = checkFilter(req.filter);
    const state = await typeState(this.pool, req.accountId, EMAIL_SUBMISSION_TYPE);
    const ids = await sortedIds(this.pool, req.accountId, filter, req.sort);
    return queryResponse(req, encodeState(state), ids, MAX_LIMIT);
  }
}

/** EmailSubmission/queryChanges (RFC 8621 7.4, RFC 8620 5.6 with errata 6603/6604). */
export class EmailSubmissionQueryChangesMethod implements JmapMethod {
  readonly name = 'EmailSubmission/queryChanges';
  readonly capability = SUBMISSION;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseQueryChangesRequest(args, SORTABLE);
    args.done();
    requireAccount(ctx, req.accountId, SUBMISSION);
    const filter = checkFilter(req.filter);
    const since = await queryChangesSince(this.pool, req.accountId, EMAIL_SUBMISSION_TYPE, req.sinceQueryState);
    const ids = await sortedIds(this.pool, req.accountId, filter, req.sort);
    return queryChangesResponse(req, since, encodeState(since.newState), ids);
  }
}
