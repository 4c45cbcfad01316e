/**
 * Email/set update and destroy (RFC 8621 4.6), decided against the emails as they are under the account lock.
 * Only `keywords` and `mailboxIds` change (everything else of an Email is immutable: it is the message); each
 * is replaced whole or patched member by member. An update that changes nothing appends nothing but is still
 * reported as updated. Pure: the current emails and existing mailboxes come in.
 */
import type {
  EmailDestroyed,
  EmailKeywordsChanged,
  EmailMailboxesChanged,
  EmailSetLimits,
  EmailUpdateItem,
  SetChange,
} from '@jmap/email-contracts';
import { setError, type SetError } from '@jmap/protocol';

export interface CurrentEmail {
  id: string;
  blobId: string;
  keywords: readonly string[];
  mailboxIds: readonly string[];
}

export interface ChangesState {
  /** The emails the call names, by id (unknown ids are absent). */
  emails: ReadonlyMap<string, CurrentEmail>;
  /** Which of the mailboxes the call names exist. */
  mailboxIds: ReadonlySet<string>;
}

export type EmailChangeEvent = EmailKeywordsChanged | EmailMailboxesChanged | EmailDestroyed;

export interface ChangesOutcome {
  events: EmailChangeEvent[];
  updated: Record<string, null>;
  notUpdated: Record<string, SetError>;
  destroyed: string[];
  notDestroyed: Record<string, SetError>;
  /** Blob ids of the destroyed emails: released when no other email of the account names them. */
  releasedBlobs: string[];
}

function applyChange(current: readonly string[], change: SetChange): string[] {
  if ('replace' in change) return [...new Set(change.replace)].sort();
  const out = new Set(current);
  for (const r of change.remove) out.delete(r);
  for (const a of change.add) out.add(a);
  return [...out].sort();
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

const notFound = () => setError('notFound', 'No such email in this account.');

function decideUpdate(
  state: ChangesState,
  item: EmailUpdateItem,
  limits: EmailSetLimits,
): { events: EmailChangeEvent[] } | { error: SetError } {
  const email = state.emails.get(item.id);
  if (!email) return { error: notFound() };
  const events: EmailChangeEvent[] = [];
  if (item.keywords) {
    const keywords = applyChange(email.keywords, item.keywords);
    if (keywords.length > limits.maxKeywordsPerEmail) {
      return {
        error: setError(
          'tooManyKeywords',
          `An email may have at most ${limits.maxKeywordsPerEmail} keywords.`,
        ),
      };
    }
    if (!sameSet(keywords, email.keywords))
      events.push({ type: 'EmailKeywordsChanged', v: 1, data: { id: email.id, keywords } });
  }
  if (item.mailboxIds) {
    const mailboxIds = applyChange(email.mailboxIds, item.mailboxIds);
    const added = mailboxIds.filter((m) => !email.mailboxIds.includes(m));
    const missing = added.filter((m) => !state.mailboxIds.has(m));
    if (missing.length > 0) {
      return {
        error: setError('invalidProperties', `No such mailbox: ${missing.join(', ')}.`, {
          properties: ['mailboxIds'],
        }),
      };
    }
    if (mailboxIds.length === 0) {
      return {
        error: setError(
          'invalidProperties',
          'An Email must belong to at least one Mailbox (RFC 8621 4.1.1).',
          {
            properties: ['mailboxIds'],
          },
        ),
      };
    }
    if (mailboxIds.length > limits.maxMailboxesPerEmail) {
      return {
        error: setError(
          'tooManyMailboxes',
          `An email may be in at most ${limits.maxMailboxesPerEmail} mailboxes (maxMailboxesPerEmail).`,
        ),
      };
    }
    if (!sameSet(mailboxIds, email.mailboxIds))
      events.push({ type: 'EmailMailboxesChanged', v: 1, data: { id: email.id, mailboxIds } });
  }
  return { events };
}

/**
 * Updates first, then destroys (RFC 8620 5.3 order). An id both updated and destroyed is updated, then
 * destroyed. The state is not evolved between items: each email is named at most once per map.
 */
export function decideEmailChanges(
  state: ChangesState,
  payload: { update: readonly EmailUpdateItem[]; destroy: readonly string[]; limits: EmailSetLimits },
): ChangesOutcome {
  const out: ChangesOutcome = {
    events: [],
    updated: {},
    notUpdated: {},
    destroyed: [],
    notDestroyed: {},
    releasedBlobs: [],
  };
  for (const item of payload.update) {
    const r = decideUpdate(state, item, payload.limits);
    if ('error' in r) out.notUpdated[item.id] = r.error;
    else {
      out.events.push(...r.events);
      out.updated[item.id] = null;
    }
  }
  for (const id of payload.destroy) {
    const email = state.emails.get(id);
    if (!email) {
      out.notDestroyed[id] = notFound();
      continue;
    }
    out.events.push({ type: 'EmailDestroyed', v: 1, data: { id } });
    out.destroyed.push(id);
    out.releasedBlobs.push(email.blobId);
  }
  return out;
}
