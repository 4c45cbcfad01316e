/**
 * Email/query filters and sorts (RFC 8621 4.4.1, 4.4.2) as SQL over the email read model (`emails e`, and
 * `email_mailboxes m` when the filter's top level names one mailbox, so that the listing index serves the hot
 * "mailbox by receivedAt" query). The filter tree arrives validated (libs/email/api); every value is a bound
 * parameter, never spliced into the text.
 */

/** A validated FilterCondition: its properties AND-ed (RFC 8620 5.5). */
export interface EmailFilterCondition {
  inMailbox?: string;
  inMailboxOtherThan?: string[];
  before?: string;
  after?: string;
  minSize?: number;
  maxSize?: number;
  allInThreadHaveKeyword?: string;
  someInThreadHaveKeyword?: string;
  noneInThreadHaveKeyword?: string;
  hasKeyword?: string;
  notKeyword?: string;
  hasAttachment?: boolean;
  text?: string;
  from?: string;
  to?: string;
  cc?: string;
  bcc?: string;
  subject?: string;
  body?: string;
  header?: [string] | [string, string];
}

export type EmailFilter =
  { operator: 'AND' | 'OR' | 'NOT'; conditions: EmailFilter[] } | { condition: EmailFilterCondition };

export type EmailSortProperty =
  | 'receivedAt'
  | 'sentAt'
  | 'size'
  | 'from'
  | 'to'
  | 'subject'
  | 'hasKeyword'
  | 'allInThreadHaveKeyword'
  | 'someInThreadHaveKeyword';

export interface EmailComparator {
  property: EmailSortProperty;
  isAscending: boolean;
  /** Null: the server default, i;unicode-casemap. */
  collation: string | null;
  /** The keyword of the keyword sorts, lowercase. */
  keyword?: string;
}

/** Collects bound parameters; `$1` is always the account id. */
export class Params {
  readonly values: unknown[];
  constructor(accountId: string) {
    this.values = [accountId];
  }
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** Quoted parts of a search string are phrases (phraseto_tsquery), the rest plain words (plainto_tsquery). */
export function splitSearchText(text: string): { words: string; phrases: string[] } {
  const phrases: string[] = [];
  const words = text.replace(/"([^"]*)"?/g, (_, p: string) => {
    if (p.trim()) phrases.push(p);
    return ' ';
  });
  return { words: words.replace(/\s+/g, ' ').trim(), phrases };
}

/**
 * The tsquery of a search string: stemmed ('english') OR unstemmed ('simple'); the document holds the subject,
 * addresses and part names in both and the body in 'english' (ADR 0009). An empty part (stop words only) is
 * the neutral element of && and ||.
 */
export function tsquerySql(p: Params, text: string): string {
  const { words, phrases } = splitSearchText(text);
  const w = p.add(words);
  const ph = phrases.map((x) => p.add(x));
  const one = (cfg: string) =>
    [`plainto_tsquery('${cfg}', ${w})`, ...ph.map((x) => `phraseto_tsquery('${cfg}', ${x})`)].join(' && ');
  return `((${one('english')}) || (${one('simple')}))`;
}

/** LIKE pattern of a substring search, wildcards escaped. */
export function likePattern(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const threadPeers = (cond: string) =>
  `SELECT 1 FROM emails t WHERE t.account_id = e.account_id AND t.thread_id = e.thread_id AND ${cond}`;
const hasKw = (alias: string, k: string) => `${alias}.keywords @> ARRAY[${k}]::text[]`;

/** A document match restricted to some weights: the GIN index finds candidates, ts_filter keeps the field. */
function textMatch(p: Params, text: string, weights: string | null): string {
  const q = tsquerySql(p, text);
  return weights === null
    ? `e.search @@ ${q}`
    : `(e.search @@ ${q} AND ts_filter(e.search, '{${weights}}') @@ ${q})`;
}

const addressText = (column: string) =>
  `jsonb_path_query_array(COALESCE(e.${column}, '[]'::jsonb), 'strict $[*].* ? (@ != null)')::text`;

/** What the top level of the statement already does for a condition: its mailbox join, its text search. */
interface Hoisted {
  mailbox: string | null;
  text: boolean;
}
const NOTHING_HOISTED: Hoisted = { mailbox: null, text: false };

function conditionSql(p: Params, c: EmailFilterCondition, hoisted: Hoisted): string[] {
  const out: string[] = [];
  const joinedMailbox = hoisted.mailbox;
  if (c.inMailbox !== undefined && c.inMailbox !== joinedMailbox)
    out.push(`e.mailbox_ids @> ARRAY[${p.add(c.inMailbox)}]::text[]`);
  if (c.inMailboxOtherThan !== undefined)
    out.push(`NOT (e.mailbox_ids <@ ${p.add(c.inMailboxOtherThan)}::text[])`);
  // RFC 8621 4.4.1: receivedAt "before" is strictly before, "after" is the same or after; maxSize strictly less.
  if (c.before !== undefined) out.push(`e.received_at < ${p.add(c.before)}::timestamptz`);
  if (c.after !== undefined) out.push(`e.received_at >= ${p.add(c.after)}::timestamptz`);
  if (c.minSize !== undefined) out.push(`e.size >= ${p.add(c.minSize)}`);
  if (c.maxSize !== undefined) out.push(`e.size < ${p.add(c.maxSize)}`);
  if (c.allInThreadHaveKeyword !== undefined)
    out.push(`NOT EXISTS (${threadPeers(`NOT ${hasKw('t', p.add(c.allInThreadHaveKeyword))}`)})`);
  if (c.someInThreadHaveKeyword !== undefined)
    out.push(`EXISTS (${threadPeers(hasKw('t', p.add(c.someInThreadHaveKeyword)))})`);
  if (c.noneInThreadHaveKeyword !== undefined)
    out.push(`NOT EXISTS (${threadPeers(hasKw('t', p.add(c.noneInThreadHaveKeyword)))})`);
  if (c.hasKeyword !== undefined) out.push(hasKw('e', p.add(c.hasKeyword)));
  if (c.notKeyword !== undefined) out.push(`NOT ${hasKw('e', p.add(c.notKeyword))}`);
  if (c.hasAttachment !== undefined) out.push(`e.has_attachment = ${p.add(c.hasAttachment)}`);
  if (!hoisted.text) out.push(...textSql(p, c));
  for (const [key, column] of [
    ['from', 'from_'],
    ['to', 'to_'],
    ['cc', 'cc'],
    ['bcc', 'bcc'],
  ] as const) {
    const v = c[key];
    if (v !== undefined) out.push(`${addressText(column)} ILIKE ${p.add(likePattern(v))}`);
  }
  if (c.header !== undefined) {
    const [name, value] = c.header;
    const valueCond = value === undefined ? '' : ` AND h->>'value' ILIKE ${p.add(likePattern(value))}`;
    out.push(
      `EXISTS (SELECT 1 FROM jsonb_array_elements(e.headers) h WHERE lower(h->>'name') = lower(${p.add(name)})${valueCond})`,
    );
  }
  return out;
}

/** The full-text parts of a condition (text, subject, body). */
export function textSql(p: Params, c: EmailFilterCondition): string[] {
  const out: string[] = [];
  if (c.text !== undefined) out.push(textMatch(p, c.text, null));
  if (c.subject !== undefined) out.push(textMatch(p, c.subject, 'a'));
  if (c.body !== undefined) out.push(textMatch(p, c.body, 'd'));
  return out;
}

const hasText = (c: EmailFilterCondition) =>
  c.text !== undefined || c.subject !== undefined || c.body !== undefined;

/**
 * The conditions every result must meet that search text (the filter itself, or members of a top-level AND).
 * The statement finds their matches first, through the GIN index (see email-query.repository).
 */
export function topLevelTextConditions(f: EmailFilter | null): EmailFilterCondition[] {
  if (f === null) return [];
  if ('condition' in f) return hasText(f.condition) ? [f.condition] : [];
  if (f.operator !== 'AND') return [];
  return f.conditions.flatMap((c) => ('condition' in c && hasText(c.condition) ? [c.condition] : []));
}

/**
 * The WHERE text of a filter. `hoisted` (top level only) names what the statement does outside it: the mailbox
 * it joins and whether the top-level text conditions are searched first.
 */
export function filterSql(p: Params, f: EmailFilter, hoisted: Hoisted = NOTHING_HOISTED): string {
  if ('condition' in f) {
    const parts = conditionSql(p, f.condition, hoisted);
    return parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
  }
  const top = f.operator === 'AND' ? hoisted : NOTHING_HOISTED;
  const parts = f.conditions.map((c) => ('condition' in c ? filterSql(p, c, top) : filterSql(p, c)));
  switch (f.operator) {
    case 'AND':
      return parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`;
    case 'OR':
      return parts.length === 0 ? 'FALSE' : `(${parts.join(' OR ')})`;
    case 'NOT':
      // RFC 8620 5.5: NOT means none of the conditions match.
      return parts.length === 0 ? 'TRUE' : `NOT (${parts.join(' OR ')})`;
    default: {
      const never: never = f.operator;
      throw new Error(`unknown operator ${String(never)}`);
    }
  }
}

/**
 * The one mailbox every result must be in, when the top level says so (a condition with inMailbox, or an AND
 * with such a condition): the query then reads `email_mailboxes` in listing-index order.
 */
export function topLevelMailbox(f: EmailFilter | null): string | null {
  if (f === null) return null;
  if ('condition' in f) return f.condition.inMailbox ?? null;
  if (f.operator !== 'AND') return null;
  for (const c of f.conditions)
    if ('condition' in c && c.condition.inMailbox !== undefined) return c.condition.inMailbox;
  return null;
}

const ASCII_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A string sort key under an RFC 4790 collation (RFC 8620 5.5); ordering is by code point ("C"). */
function collate(expr: string, collation: string | null): string {
  switch (collation ?? 'i;unicode-casemap') {
    case 'i;octet':
      return `(${expr}) COLLATE "C"`;
    case 'i;ascii-casemap':
      return `translate(${expr}, '${ASCII_UPPER}', '${ASCII_UPPER.toLowerCase()}') COLLATE "C"`;
    case 'i;ascii-numeric':
      // RFC 4790 9.1: the leading digits as a number; a string without them sorts after every number.
      return `(substring(${expr} from '^[0-9]+'))::numeric`;
    default:
      // i;unicode-casemap (RFC 5051) approximated: compatibility decomposition, then lowercase.
      return `lower(normalize(${expr}, NFKD)) COLLATE "C"`;
  }
}

/** RFC 8621 4.4.2: "from"/"to" sort by the name, or the email when there is no name, of the first address. */
const firstAddress = (column: string) =>
  `COALESCE(NULLIF(e.${column}->0->>'name', ''), e.${column}->0->>'email', '')`;

/** The sort key expression of a comparator; `receivedAt` is the email_mailboxes column when joined. */
export function sortKeySql(p: Params, c: EmailComparator, joined: boolean): string {
  switch (c.property) {
    case 'receivedAt':
      return joined ? 'm.received_at' : 'e.received_at';
    case 'sentAt':
      return 'e.sent_at';
    case 'size':
      return 'e.size';
    case 'from':
      return collate(firstAddress('from_'), c.collation);
    case 'to':
      return collate(firstAddress('to_'), c.collation);
    case 'subject':
      // RFC 8621 4.4.2: the base subject (RFC 5256 2.1).
      return collate('e.base_subject', c.collation);
    case 'hasKeyword':
      return hasKw('e', p.add(c.keyword ?? ''));
    case 'allInThreadHaveKeyword':
      return `NOT EXISTS (${threadPeers(`NOT ${hasKw('t', p.add(c.keyword ?? ''))}`)})`;
    case 'someInThreadHaveKeyword':
      return `EXISTS (${threadPeers(hasKw('t', p.add(c.keyword ?? '')))})`;
    default: {
      const never: never = c.property;
      throw new Error(`unknown sort ${String(never)}`);
    }
  }
}

/** ASC/DESC with nulls (no sentAt, no leading digits) sorting last when ascending. */
export function direction(c: EmailComparator): string {
  return c.isAscending ? 'ASC NULLS LAST' : 'DESC NULLS FIRST';
}
