/**
 * How one email's change moves a mailbox's counts (RFC 8621 section 2):
 *   totalEmails    emails in the mailbox;
 *   unreadEmails   of those, the ones with neither $seen nor $draft;
 *   totalThreads   threads with at least one email in the mailbox;
 *   unreadThreads  threads with at least one unread email in the mailbox (the RFC's "simplest solution": an
 *                  unread email of the thread in another mailbox does not make the thread unread here, and the
 *                  trash gets no special treatment).
 * The thread counts need the other emails of the same thread in the mailbox, which the caller reads.
 */

/** The email's place in one mailbox: absent, or present and read/unread. */
export interface Membership {
  in: boolean;
  unread: boolean;
}

/** The other emails of the thread in the mailbox: how many, and how many of them unread. */
export interface ThreadPeers {
  emails: number;
  unread: number;
}

export interface CountDeltas {
  totalEmails: number;
  unreadEmails: number;
  totalThreads: number;
  unreadThreads: number;
}

export const COUNT_PROPERTIES = ['totalEmails', 'unreadEmails', 'totalThreads', 'unreadThreads'] as const;

const bit = (b: boolean) => (b ? 1 : 0);

export function countDeltas(peers: ThreadPeers, before: Membership, after: Membership): CountDeltas {
  const unreadBefore = before.in && before.unread;
  const unreadAfter = after.in && after.unread;
  return {
    totalEmails: bit(after.in) - bit(before.in),
    unreadEmails: bit(unreadAfter) - bit(unreadBefore),
    totalThreads: bit(peers.emails > 0 || after.in) - bit(peers.emails > 0 || before.in),
    unreadThreads: bit(peers.unread > 0 || unreadAfter) - bit(peers.unread > 0 || unreadBefore),
  };
}

/** The count properties a delta moves, in a fixed order (Mailbox/changes updatedProperties). */
export function movedCounts(d: CountDeltas): string[] {
  return COUNT_PROPERTIES.filter((p) => d[p] !== 0);
}
