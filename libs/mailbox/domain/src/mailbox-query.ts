/**
 * Mailbox/query evaluation (RFC 8621 section 2.3) over an account's mailboxes: FilterConditions (parentId,
 * name, role, hasAnyRole, isSubscribed) combined with AND/OR/NOT, sorts by sortOrder and name, sortAsTree and
 * filterAsTree. Pure and in memory: an account has at most thousands of mailboxes.
 */
import type { Mailbox } from './mailbox.js';

export type MailboxFilter =
  | { operator: 'AND' | 'OR' | 'NOT'; conditions: MailboxFilter[] }
  | { parentId?: string | null; name?: string; role?: string | null; hasAnyRole?: boolean; isSubscribed?: boolean };

export const MAILBOX_FILTER_PROPERTIES = ['parentId', 'name', 'role', 'hasAnyRole', 'isSubscribed'] as const;
export const MAILBOX_SORT_PROPERTIES = ['sortOrder', 'name'] as const;

export interface MailboxComparator {
  property: string;
  isAscending: boolean;
  collation: string | null;
}

export function matches(m: Mailbox, f: MailboxFilter): boolean {
  if ('operator' in f) {
    switch (f.operator) {
      case 'AND':
        return f.conditions.every((c) => matches(m, c));
      case 'OR':
        return f.conditions.some((c) => matches(m, c));
      case 'NOT':
        return !f.conditions.some((c) => matches(m, c));
    }
  }
  if (f.parentId !== undefined && m.parentId !== f.parentId) return false;
  if (f.name !== undefined && !m.name.toLocaleLowerCase().includes(f.name.toLocaleLowerCase())) return false;
  if (f.role !== undefined && m.role !== f.role) return false;
  if (f.hasAnyRole !== undefined && (m.role !== null) !== f.hasAnyRole) return false;
  if (f.isSubscribed !== undefined && m.isSubscribed !== f.isSubscribed) return false;
  return true;
}

function compareText(a: string, b: string, collation: string | null): number {
  switch (collation) {
    case 'i;octet':
      return Buffer.compare(Buffer.from(a), Buffer.from(b));
    case 'i;ascii-casemap':
      return compareText(a.replace(/[A-Z]/g, (c) => c.toLowerCase()), b.replace(/[A-Z]/g, (c) => c.toLowerCase()), 'i;octet');
    case 'i;ascii-numeric': {
      const na = /^\d+/.exec(a);
      const nb = /^\d+/.exec(b);
      if (!na || !nb) return na ? -1 : nb ? 1 : 0;
      return Number(na[0]) - Number(nb[0]);
    }
    default: // i;unicode-casemap, the default: case-insensitive, locale-aware.
      return a.localeCompare(b, 'en', { sensitivity: 'base' });
  }
}

export function comparator(sort: readonly MailboxComparator[]): (a: Mailbox, b: Mailbox) => number {
  return (a, b) => {
    for (const c of sort) {
      const r = c.property === 'sortOrder' ? a.sortOrder - b.sortOrder : compareText(a.name, b.name, c.collation);
      if (r !== 0) return c.isAscending ? r : -r;
    }
    // Stable and deterministic whatever the comparators: by id.
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

export function queryMailboxes(
  all: readonly Mailbox[],
  filter: MailboxFilter | null,
  sort: readonly MailboxComparator[],
  options: { sortAsTree: boolean; filterAsTree: boolean },
): string[] {
  const byId = new Map(all.map((m) => [m.id, m]));
  let included = all.filter((m) => filter === null || matches(m, filter));
  if (options.filterAsTree) {
    const ok = new Set(included.map((m) => m.id));
    // A mailbox is kept only if every ancestor is also included.
    included = included.filter((m) => {
      for (let p = m.parentId, steps = 0; p !== null && steps <= byId.size; steps++) {
        if (!ok.has(p)) return false;
        p = byId.get(p)?.parentId ?? null;
      }
      return true;
    });
  }
  const cmp = comparator(sort);
  if (!options.sortAsTree) return included.sort(cmp).map((m) => m.id);

  // Depth-first over the whole tree, siblings in comparator order; output only included mailboxes.
  const keep = new Set(included.map((m) => m.id));
  const children = new Map<string | null, Mailbox[]>();
  for (const m of all) {
    const parent = m.parentId !== null && byId.has(m.parentId) ? m.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(m);
    children.set(parent, list);
  }
  const out: string[] = [];
  const visit = (parent: string | null, depth: number) => {
    if (depth > byId.size) return;
    for (const m of (children.get(parent) ?? []).sort(cmp)) {
      if (keep.has(m.id)) out.push(m.id);
      visit(m.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}
