/**
 * Runs Email/query against the read model: the filter, the sort and the window are all SQL (LIMIT/OFFSET for a
 * position, a count only when the total is needed); only an anchor reads the whole sorted id list, because its
 * index in the results has to be found.
 */
import { typeState, typeStateSql } from '@jmap/event-store';
import { withTransaction, type Pool, type Queryable } from '@jmap/platform';
import {
  Params,
  direction,
  filterSql,
  sortKeySql,
  textSql,
  topLevelMailbox,
  topLevelTextConditions,
  type EmailComparator,
  type EmailFilter,
} from './email-query.sql.js';

export interface EmailQuerySpec {
  accountId: string;
  filter: EmailFilter | null;
  /** Empty: receivedAt descending (newest first, as mail clients list a mailbox). */
  sort: EmailComparator[];
  collapseThreads: boolean;
  /** With required text conditions: find their matches first (false: the planner's own plan). Default true. */
  searchFirst?: boolean;
}

export interface EmailQueryWindow {
  position: number;
  anchor: string | null;
  anchorOffset: number;
  /** Already capped at the server's maximum. */
  limit: number;
  calculateTotal: boolean;
}

const DEFAULT_SORT: EmailComparator[] = [{ property: 'receivedAt', isAscending: false, collation: null }];

interface Built {
  text: string;
  values: unknown[];
}

/**
 * FROM and WHERE of a query. Required text conditions are searched first, in a MATERIALIZED CTE (`hits`) that
 * only the GIN index can answer: otherwise the planner walks the receivedAt index and tests each row's
 * document, which it costs as cheap but which reads (detoasts) tens of KiB per row: 86 ms instead of 2 ms for
 * a word in 1% of 10,000 emails (docs/query-plans.md). The price is paid by a word in nearly every email,
 * whose matches are all read before the sort.
 */
function fromWhere(
  p: Params,
  spec: EmailQuerySpec,
  /** Whether the caller reads nothing of the email but its id and mailbox listing columns (m.*). */
  membersOnly = false,
): { with: string; from: string; where: string; joined: boolean; id: string } {
  const mailbox = topLevelMailbox(spec.filter);
  const texts = spec.searchFirst === false ? [] : topLevelTextConditions(spec.filter);
  const hits = texts.length > 0;
  const cte = hits
    ? `WITH hits AS MATERIALIZED (SELECT e.id FROM emails e WHERE e.account_id = $1 AND ${texts.flatMap((c) => textSql(p, c)).join(' AND ')}) `
    : '';
  const filter = spec.filter === null ? 'TRUE' : filterSql(p, spec.filter, { mailbox, text: hits });
  if (mailbox === null) {
    const from = hits ? 'hits h JOIN emails e ON e.account_id = $1 AND e.id = h.id' : 'emails e';
    return { with: cte, from, where: `e.account_id = $1 AND ${filter}`, joined: false, id: 'e.id' };
  }
  const members = hits
    ? 'hits h JOIN email_mailboxes m ON m.account_id = $1 AND m.email_id = h.id'
    : 'email_mailboxes m';
  const where = `m.account_id = $1 AND m.mailbox_id = ${p.add(mailbox)} AND ${filter}`;
  // A mailbox and nothing else, in receivedAt order: the listing index answers alone, without a probe of the
  // emails table per row (10,000 of them for a whole mailbox). Its rows are written with the emails' own.
  if (membersOnly && !hits && filter === 'TRUE')
    return { with: cte, from: members, where, joined: true, id: 'm.email_id AS id' };
  return {
    with: cte,
    from: `${members} JOIN emails e ON e.account_id = m.account_id AND e.id = m.email_id`,
    where,
    joined: true,
    id: 'e.id',
  };
}

/** The sorted ids of the query, with LIMIT/OFFSET when given. Ties are broken by id. */
export function listSql(
  spec: EmailQuerySpec,
  page: { limit: number; offset: number } | null,
  p: Params = new Params(spec.accountId),
): Built {
  const listing = collapsedListing(spec, spec.sort.length > 0 ? spec.sort : DEFAULT_SORT);
  if (listing !== null) return collapsedListingSql(listing, page, p);
  const sort = spec.sort.length > 0 ? spec.sort : DEFAULT_SORT;
  const membersOnly = !spec.collapseThreads && sort.every((c) => c.property === 'receivedAt');
  const { with: cte, from, where, joined, id } = fromWhere(p, spec, membersOnly);
  const keys = sort.map((c) => ({ expr: sortKeySql(p, c, joined), dir: direction(c) }));
  const tie = joined ? 'm.email_id' : 'e.id';
  const paging = page === null ? '' : ` LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`;
  if (!spec.collapseThreads) {
    const order = [...keys.map((k) => `${k.expr} ${k.dir}`), `${tie} ASC`].join(', ');
    return {
      text: `${cte}SELECT ${id} FROM ${from} WHERE ${where} ORDER BY ${order}${paging}`,
      values: p.values,
    };
  }
  // collapseThreads (RFC 8621 4.4.3): the first email of each thread in sort order stands for its thread.
  const inner = [...keys.map((k) => `${k.expr} ${k.dir}`), `${tie} ASC`].join(', ');
  const cols = keys.map((k, i) => `, ${k.expr} AS s${i}`).join('');
  const outer = [...keys.map((k, i) => `s${i} ${k.dir}`), 'id ASC'].join(', ');
  return {
    text: `${cte}SELECT id FROM (SELECT e.id AS id${cols}, row_number() OVER (PARTITION BY e.thread_id ORDER BY ${inner}) AS rn
             FROM ${from} WHERE ${where}) x WHERE rn = 1 ORDER BY ${outer}${paging}`,
    values: p.values,
  };
}

/**
 * The collapsed listing of one mailbox by receivedAt (a client's thread list): an email stands for its thread
 * when no email of the same thread in the mailbox comes before it, tested per row on the thread index while the
 * listing index is walked, so the first page costs about its own rows rather than sorting the whole mailbox.
 */
function collapsedListing(
  spec: EmailQuerySpec,
  sort: EmailComparator[],
): { mailbox: string; dir: string; before: string } | null {
  const f = spec.filter;
  if (!spec.collapseThreads || f === null || !('condition' in f)) return null;
  const keys = Object.keys(f.condition);
  if (keys.length !== 1 || f.condition.inMailbox === undefined) return null;
  if (sort.length !== 1 || sort[0].property !== 'receivedAt') return null;
  const asc = sort[0].isAscending;
  return { mailbox: f.condition.inMailbox, dir: asc ? 'ASC' : 'DESC', before: asc ? '<' : '>' };
}

function collapsedListingSql(
  l: { mailbox: string; dir: string; before: string },
  page: { limit: number; offset: number } | null,
  p: Params,
): Built {
  const mailbox = p.add(l.mailbox);
  const paging = page === null ? '' : ` LIMIT ${p.add(page.limit)} OFFSET ${p.add(page.offset)}`;
  return {
    text: `SELECT m.email_id AS id FROM email_mailboxes m WHERE m.account_id = $1 AND m.mailbox_id = ${mailbox}
             AND NOT EXISTS (SELECT 1 FROM email_mailboxes n WHERE n.account_id = m.account_id AND n.thread_id = m.thread_id
               AND n.mailbox_id = m.mailbox_id
               AND (n.received_at ${l.before} m.received_at OR (n.received_at = m.received_at AND n.email_id < m.email_id)))
           ORDER BY m.received_at ${l.dir}, m.email_id ASC${paging}`,
    values: p.values,
  };
}

export function countSql(spec: EmailQuerySpec, p: Params = new Params(spec.accountId)): Built {
  const { with: cte, from, where } = fromWhere(p, spec, !spec.collapseThreads);
  const what = spec.collapseThreads ? 'count(DISTINCT e.thread_id)' : 'count(*)';
  return { text: `${cte}SELECT ${what}::int AS n FROM ${from} WHERE ${where}`, values: p.values };
}

/** Estimated matches up to which a text search goes through the GIN index first (see withSearchPlan). */
const SEARCH_FIRST_MAX_ROWS = 2000;

/**
 * Runs `fn` with the plan that suits a text search. PostgreSQL costs testing a row's document as cheap, but it
 * reads (detoasts) tens of KiB per row: left alone it walks the receivedAt index (or scans the account) testing
 * every row, 86-250 ms for a word in 1% of 10,000 emails instead of a few ms through the GIN index
 * (docs/query-plans.md). So when the planner's own estimate of the matches is small, the matches are found first
 * (a MATERIALIZED CTE; sequential scans, hash and merge joins off for this transaction only); when the words are in most emails, the
 * receivedAt walk finds 50 matches in about 50 rows and stays.
 */
export async function withSearchPlan<T>(
  pool: Pool,
  spec: EmailQuerySpec,
  fn: (db: Queryable, spec: EmailQuerySpec) => Promise<T>,
): Promise<T> {
  const texts = topLevelTextConditions(spec.filter);
  if (texts.length === 0) return fn(pool, spec);
  const p = new Params(spec.accountId);
  const where = texts.flatMap((c) => textSql(p, c)).join(' AND ');
  const { rows } = await pool.query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM emails e WHERE e.account_id = $1 AND ${where}`,
    p.values,
  );
  const estimate = rows[0]['QUERY PLAN'][0].Plan['Plan Rows'];
  if (estimate > SEARCH_FIRST_MAX_ROWS) return fn(pool, { ...spec, searchFirst: false });
  return withTransaction(pool, async (tx) => {
    // Few matches by the estimate: drive the statement from them (no scans of the account, no hash or merge
    // joins that read the whole account's index to meet a thousand ids), for this transaction only.
    await tx.query(
      'SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off',
    );
    return fn(tx, { ...spec, searchFirst: true });
  });
}

export async function queryEmailIds(db: Queryable, spec: EmailQuerySpec): Promise<string[]> {
  const q = listSql(spec, null);
  const { rows } = await db.query<{ id: string }>(q.text, q.values);
  return rows.map((r) => r.id);
}

export async function countEmails(db: Queryable, spec: EmailQuerySpec): Promise<number> {
  const q = countSql(spec);
  const { rows } = await db.query<{ n: number }>(q.text, q.values);
  return rows[0].n;
}

/** The window of the results (RFC 8620 5.5) and the total when asked for or needed for a negative position. */
export async function queryEmailWindow(
  db: Queryable,
  spec: EmailQuerySpec,
  w: EmailQueryWindow,
): Promise<{ ids: string[]; position: number; total: number | null; anchorFound: boolean }> {
  if (w.anchor !== null) {
    const all = await queryEmailIds(db, spec);
    const at = all.indexOf(w.anchor);
    if (at < 0) return { ids: [], position: 0, total: all.length, anchorFound: false };
    const start = Math.max(0, at + w.anchorOffset);
    return { ids: all.slice(start, start + w.limit), position: start, total: all.length, anchorFound: true };
  }
  const total = w.calculateTotal || w.position < 0 ? await countEmails(db, spec) : null;
  const start = w.position < 0 ? Math.max(0, (total ?? 0) + w.position) : w.position;
  if (w.limit === 0) return { ids: [], position: start, total, anchorFound: true };
  const q = listSql(spec, { limit: w.limit, offset: start });
  const { rows } = await db.query<{ id: string }>(q.text, q.values);
  return { ids: rows.map((r) => r.id), position: start, total, anchorFound: true };
}

/**
 * queryEmailWindow together with the state of `stateType`, read in the same statement: on one snapshot, so the
 * state is never ahead of the ids (nor behind them), and in one round trip with the total when it is asked for.
 * An anchor or a negative position needs the whole list or the total first: the state is read before them then.
 */
export async function queryEmailWindowWithState(
  db: Queryable,
  spec: EmailQuerySpec,
  w: EmailQueryWindow,
  stateType: string,
): Promise<{ ids: string[]; position: number; total: number | null; anchorFound: boolean; state: number }> {
  if (w.anchor !== null || w.position < 0) {
    const state = await typeState(db, spec.accountId, stateType);
    return { ...(await queryEmailWindow(db, spec, w)), state };
  }
  // Every part numbers its parameters on the same Params, $1 being the account for all of them.
  const p = new Params(spec.accountId);
  const columns = [`${typeStateSql('$1', p.add(stateType))} AS state`];
  if (w.calculateTotal) columns.push(`(${countSql(spec, p).text}) AS total`);
  if (w.limit > 0)
    columns.push(`ARRAY(${listSql(spec, { limit: w.limit, offset: w.position }, p).text}) AS ids`);
  const { rows } = await db.query<{ state: number; total?: number; ids?: string[] }>(
    `SELECT ${columns.join(', ')}`,
    p.values,
  );
  const row = rows[0];
  return {
    ids: row.ids ?? [],
    position: w.position,
    total: row.total ?? null,
    anchorFound: true,
    state: row.state,
  };
}

/**
 * For /queryChanges of thread-dependent queries (collapseThreads, *InThreadHaveKeyword): every email now in a
 * thread that one of `changed` belongs (or, destroyed, belonged) to. A destroyed email's thread comes from its
 * EmailCreated event, found through the creation row of the change log. `unknown` lists destroyed ids whose
 * thread could not be found; the caller cannot track the query then.
 */
export async function threadPeers(
  db: Queryable,
  accountId: string,
  changed: readonly string[],
  destroyed: readonly string[],
): Promise<{ peers: string[]; unknown: string[] }> {
  // One pass over the account's Email change rows (the change log's key has no object id first).
  const { rows: gone } =
    destroyed.length === 0
      ? { rows: [] as Array<{ id: string; thread_id: string }> }
      : await db.query<{ id: string; thread_id: string }>(
          `SELECT c.object_id AS id, ev.data->>'threadId' AS thread_id
             FROM changes c JOIN events ev ON ev.account_id = c.account_id AND ev.modseq = c.modseq
            WHERE c.account_id = $1 AND c.type = 'Email' AND c.kind = 'c' AND c.object_id = ANY($2::text[])
              AND ev.type = 'EmailCreated'`,
          [accountId, destroyed],
        );
  const found = new Set(gone.map((r) => r.id));
  const unknown = destroyed.filter((id) => !found.has(id));
  const { rows } = await db.query<{ id: string }>(
    `SELECT e.id FROM emails e
      WHERE e.account_id = $1
        AND e.thread_id IN (SELECT thread_id FROM emails WHERE account_id = $1 AND id = ANY($2::text[])
                            UNION SELECT unnest($3::text[]))`,
    [accountId, changed, gone.map((r) => r.thread_id)],
  );
  return { peers: rows.map((r) => r.id), unknown };
}
