import { queryChangesSince } from '@jmap/gateway';
import { typeState } from '@jmap/event-store';
import { listMailboxes, MAILBOX_TYPE } from '@jmap/mailbox-data-access';
import { MAILBOX_FILTER_PROPERTIES, MAILBOX_SORT_PROPERTIES, queryMailboxes, type MailboxFilter } from '@jmap/mailbox-domain';
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
  walkFilter,
  queryResponse,
  type JmapMethod,
  type MethodContext,
} from '@jmap/protocol';

const SORTABLE = new Set<string>(MAILBOX_SORT_PROPERTIES);
const FILTERABLE = new Set<string>(MAILBOX_FILTER_PROPERTIES);
/** Largest window one Mailbox/query returns without an explicit limit. */
const MAX_LIMIT = 10_000;

function checkFilter(filter: Record<string, unknown> | null): MailboxFilter | null {
  if (filter === null) return null;
  walkFilter(filter, (c) => {
    for (const [k, v] of Object.entries(c)) {
      if (!FILTERABLE.has(k)) throw new MethodError('unsupportedFilter', `Mailbox/query cannot filter on "${k}".`);
      const ok =
        k === 'name' ? typeof v === 'string' : k === 'hasAnyRole' || k === 'isSubscribed' ? typeof v === 'boolean' : v === null || typeof v === 'string';
      if (!ok) throw new MethodError('invalidArguments', `Filter property "${k}" has the wrong type.`);
    }
  });
  return filter as MailboxFilter;
}

/** Mailbox/query (RFC 8621 section 2.3). */
export class MailboxQueryMethod implements JmapMethod {
  readonly name = 'Mailbox/query';
  readonly capability = MAIL;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseQueryRequest(args, SORTABLE);
    const sortAsTree = args.boolean('sortAsTree', false);
    const filterAsTree = args.boolean('filterAsTree', false);
    args.done();
    requireAccount(ctx, req.accountId, MAIL);
    const filter = checkFilter(req.filter);
    const state = await typeState(this.pool, req.accountId, MAILBOX_TYPE);
    const ids = queryMailboxes(await listMailboxes(this.pool, req.accountId), filter, req.sort, { sortAsTree, filterAsTree });
    return queryResponse(req, encodeState(state), ids, MAX_LIMIT);
  }
}

/** Mailbox/queryChanges (RFC 8621 section 2.4, RFC 8620 section 5.6 with errata 6603/6604). */
export class MailboxQueryChangesMethod implements JmapMethod {
  readonly name = 'Mailbox/queryChanges';
  readonly capability = MAIL;

  constructor(private readonly pool: Pool) {}

  async handle(raw: Record<string, unknown>, ctx: MethodContext) {
    const args = new Args(raw);
    const req = parseQueryChangesRequest(args, SORTABLE);
    const sortAsTree = args.boolean('sortAsTree', false);
    const filterAsTree = args.boolean('filterAsTree', false);
    args.done();
    requireAccount(ctx, req.accountId, MAIL);
    const filter = checkFilter(req.filter);
    const since = await queryChangesSince(this.pool, req.accountId, MAILBOX_TYPE, req.sinceQueryState);
    const ids = queryMailboxes(await listMailboxes(this.pool, req.accountId), filter, req.sort, { sortAsTree, filterAsTree });
    return queryChangesResponse(req, since, encodeState(since.newState), ids);
  }
}
