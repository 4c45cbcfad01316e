/**
 * The threading rule (RFC 8621 section 3, its suggestion for new implementations): a new email joins the thread
 * of an existing email when
 *   1. a message id appears in both, in any of Message-ID, In-Reply-To and References (either direction, so a
 *      reply that arrives before its parent still threads with it), and
 *   2. their base subjects (RFC 5256 section 2.1, "Re:", "Fwd:", "[list]" and white space stripped) are equal,
 * and otherwise starts a new thread. A threadId never changes: when a later email links two threads, it joins
 * one of them (the one of its earliest-received match) and the threads stay apart.
 */
import type { MessageFacts } from '@jmap/email-contracts';

/**
 * Message ids taken from one email: a long References list is cut to its first id (the thread's root) and its
 * last ones (the nearest ancestors), which are what threading needs; the bound keeps hostile headers from
 * multiplying rows. Longer ids than MAX_MESSAGE_ID_LENGTH are not indexed (no real Message-ID is that long).
 */
export const MAX_THREADING_IDS = 100;
export const MAX_MESSAGE_ID_LENGTH = 512;

export interface ThreadingId {
  messageId: string;
  kind: 'own' | 'ref';
}

export function threadingIds(
  facts: Pick<MessageFacts, 'messageId' | 'inReplyTo' | 'references'>,
): ThreadingId[] {
  const out = new Map<string, ThreadingId['kind']>();
  const add = (id: string, kind: ThreadingId['kind']) => {
    if (id.length === 0 || id.length > MAX_MESSAGE_ID_LENGTH || out.size >= MAX_THREADING_IDS) return;
    if (out.get(id) !== 'own') out.set(id, kind);
  };
  for (const id of facts.messageId ?? []) add(id, 'own');
  for (const id of facts.inReplyTo ?? []) add(id, 'ref');
  const refs = facts.references ?? [];
  if (refs.length > 0) add(refs[0], 'ref');
  for (const id of refs.slice(Math.max(1, refs.length - MAX_THREADING_IDS)).reverse()) add(id, 'ref');
  return [...out].map(([messageId, kind]) => ({ messageId, kind }));
}

/** An existing email that shares at least one message id with the new one. */
export interface ThreadCandidate {
  emailId: string;
  threadId: string;
  baseSubject: string;
  receivedAt: string;
}

/**
 * The thread a new email joins: among the candidates with the same base subject, the thread of the
 * earliest-received one (then the smallest email id, so the choice is deterministic); null for a new thread.
 */
export function chooseThread(baseSubject: string, candidates: readonly ThreadCandidate[]): string | null {
  let best: ThreadCandidate | null = null;
  let bestAt = 0;
  for (const c of candidates) {
    if (c.baseSubject !== baseSubject) continue;
    const at = Date.parse(c.receivedAt);
    if (!best || at < bestAt || (at === bestAt && c.emailId < best.emailId)) [best, bestAt] = [c, at];
  }
  return best?.threadId ?? null;
}
