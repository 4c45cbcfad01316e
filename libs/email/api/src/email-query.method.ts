/**
 * Email/query and Email/queryChanges (RFC 8621 4.4, 4.5; RFC 8620 5.5, 5.6). The filter, sort and window run as
 * SQL on the email read model (libs/email/data-access email-query.*); the read model is the inline projection,
 * so a query sees every write acknowledged before it, also earlier in the same request. The query state is the
 * Email state (ADR 0003), read in the same statement as the ids (one snapshot), so it never runs ahead of them.
 */
import { queryChangesSince } from '@jmap/gateway';
import {
  EMAIL_TYPE,
  queryEmailIds,
  queryEmailWindowWithState,
  threadPeers,
  withSearchPlan,
  type EmailComparator,
  type EmailFilter,
  type EmailQuerySpec,
} from '@jmap/email-data-access';
import type { Pool } from '@jmap/platform';
import {
  Args,
  MAIL,
  MethodError,
  queryChangesResponse,
  encodeState,
  parseQueryChangesRequest,
  parseQueryRequest,
  requireAccount,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';
import { EMAIL_SORT_PROPERTIES, parseEmailFilter, parseEmailSort } from './email-filter.js';

const SORTABLE = new Set<string>(EMAIL_SORT_PROPERTIES);

function spec(accountId: string, args: Args, filter: Record<string, unknown> | null): EmailQuerySpec {
  const sort = parseEmailSort(args.raw('sort'));
  const collapseThreads = args.boolean('collapseThreads', false);
  return { accountId, filter: filter === null ? null : parseEmailFilter(filter), sort, collapseThreads };
}

/** Whether an email's membership or place in the results can change when another email of its thread changes. */
function dependsOnThread(s: EmailQuerySpec): boolean {
  const THREAD_SORTS = new Set(['allInThreadHaveKeyword', 'someInThreadHaveKeyword']);
  const walk = (f: EmailFilter): boolean =>
    'condition' in f
      ? ['allInThreadHaveKeyword', 'someInThreadHaveKeyword', 'noneInThreadHaveKeyword'].some(
          (k) => k in f.condition,
        )
      : f.conditions.some(walk);
  return (
    s.collapseThreads ||
    s.sort.some((c: EmailComparator) => THREAD_SORTS.has(c.property)) ||
    (s.filter !== null && walk(s.filter))
  );
}

export class EmailQueryMethod implements JmapMethod {
  readonly name = 'Email/query';
  readonly capability = MAIL;

  constructor(
    private readonly pool: Pool,
    /** Largest window (maxObjectsInGet, so that the ids fit one Email/get by back-reference). */
    private readonly maxLimit: number,
  ) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseQueryRequest(args, SORTABLE);
    const s = spec(req.accountId, args, req.filter);
    args.done();
    requireAccount(ctx, req.accountId, MAIL);
    const limit = req.limit === null ? this.maxLimit : Math.min(req.limit, this.maxLimit);
    const w = await withSearchPlan(this.pool, s, (db, planned) =>
      queryEmailWindowWithState(
        db,
        planned,
        {
          position: req.position,
          anchor: req.anchor,
          anchorOffset: req.anchorOffset,
          limit,
          calculateTotal: req.calculateTotal,
        },
        EMAIL_TYPE,
      ),
    );
    if (!w.anchorFound) throw new MethodError('anchorNotFound', 'The anchor is not in the results.');
    // RFC 8620 5.5: a limit above the server's maximum (or none) is clamped and the new limit returned.
    const clamped = req.limit === null || req.limit > this.maxLimit;
    return {
      accountId: req.accountId,
      queryState: encodeState(w.state),
      canCalculateChanges: true,
      position: w.position,
      ids: w.ids,
      ...(req.calculateTotal ? { total: w.total } : {}),
      ...(clamped ? { limit: this.maxLimit } : {}),
    };
  }
}

export class EmailQueryChangesMethod implements JmapMethod {
  readonly name = 'Email/queryChanges';
  readonly capability = MAIL;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseQueryChangesRequest(args, SORTABLE);
    const s = spec(req.accountId, args, req.filter);
    args.done();
    requireAccount(ctx, req.accountId, MAIL);
    const { changed, existedBefore, destroyed, newState } = await queryChangesSince(
      this.pool,
      req.accountId,
      EMAIL_TYPE,
      req.sinceQueryState,
    );
    if (dependsOnThread(s) && changed.size > 0) {
      // Another email's change moves this one in or out (a thread's keywords, the thread's first email): every
      // current member of a changed thread counts as changed. Unchanged members existed at the old state.
      const { peers, unknown } = await threadPeers(
        this.pool,
        req.accountId,
        [...changed],
        [...destroyed].filter((id) => existedBefore.has(id)),
      );
      if (unknown.length > 0)
        throw new MethodError(
          'cannotCalculateChanges',
          'The threads of some destroyed emails are no longer known.',
        );
      for (const id of peers) {
        if (!changed.has(id)) existedBefore.add(id);
        changed.add(id);
      }
    }
    const ids = await withSearchPlan(this.pool, s, (db, planned) => queryEmailIds(db, planned));
    return queryChangesResponse(req, { changed, existedBefore }, encodeState(newState), ids);
  }
}
