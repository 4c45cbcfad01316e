/**
 * What an Email/set update or destroy decision needs, read in the command's transaction after the account
 * lock: the named emails' keywords, mailboxes and blob, and which of the named mailboxes exist.
 */
import type { ChangesState, CurrentEmail } from '@jmap/email-domain';
import type { EmailUpdateItem } from '@jmap/email-contracts';
import type { Queryable } from '@jmap/platform';

export async function loadChangesState(
  db: Queryable,
  accountId: string,
  update: readonly EmailUpdateItem[],
  destroy: readonly string[],
): Promise<ChangesState> {
  const ids = [...new Set([...update.map((u) => u.id), ...destroy])];
  const named = [
    ...new Set(
      update.flatMap((u) => {
        const m = u.mailboxIds;
        if (!m) return [];
        return 'replace' in m ? m.replace : m.add;
      }),
    ),
  ];
  const emails = new Map<string, CurrentEmail>();
  if (ids.length > 0) {
    const { rows } = await db.query<{
      id: string;
      blob_id: string;
      keywords: string[];
      mailbox_ids: string[];
    }>(
      'SELECT id, blob_id, keywords, mailbox_ids FROM emails WHERE account_id = $1 AND id = ANY($2::text[])',
      [accountId, ids],
    );
    for (const r of rows)
      emails.set(r.id, { id: r.id, blobId: r.blob_id, keywords: r.keywords, mailboxIds: r.mailbox_ids });
  }
  let mailboxIds = new Set<string>();
  if (named.length > 0) {
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM mailboxes WHERE account_id = $1 AND id = ANY($2::text[])',
      [accountId, named],
    );
    mailboxIds = new Set(rows.map((r) => r.id));
  }
  return { emails, mailboxIds };
}
