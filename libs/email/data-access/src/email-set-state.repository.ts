/**
 * What an Email/set update or destroy decision needs, read in the command's transaction after the account
 * lock: the Email state (for ifInState and oldState), the named emails' keywords, mailboxes and blob, and which
 * of the named mailboxes exist.
 */
import type { ChangesState, CurrentEmail } from '@jmap/email-domain';
import type { EmailUpdateItem } from '@jmap/email-contracts';
import { typeStateSql } from '@jmap/event-store';
import type { Queryable } from '@jmap/platform';
import { EMAIL_TYPE } from './email.projection.js';

export async function loadChangesState(
  db: Queryable,
  accountId: string,
  update: readonly EmailUpdateItem[],
  destroy: readonly string[],
): Promise<{ emailState: number; changes: ChangesState }> {
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
  // The Email state comes with the emails (one row with nulls when none is named): one round trip for both.
  const { rows } = await db.query<{
    state: number;
    id: string | null;
    blob_id: string;
    keywords: string[];
    mailbox_ids: string[];
  }>(
    `SELECT s.state, e.id, e.blob_id, e.keywords, e.mailbox_ids
       FROM (SELECT ${typeStateSql('$1', '$3')} AS state) s
       LEFT JOIN emails e ON e.account_id = $1 AND e.id = ANY($2::text[])`,
    [accountId, ids, EMAIL_TYPE],
  );
  for (const r of rows)
    if (r.id !== null)
      emails.set(r.id, { id: r.id, blobId: r.blob_id, keywords: r.keywords, mailboxIds: r.mailbox_ids });
  let mailboxIds = new Set<string>();
  if (named.length > 0) {
    const { rows } = await db.query<{ id: string }>(
      'SELECT id FROM mailboxes WHERE account_id = $1 AND id = ANY($2::text[])',
      [accountId, named],
    );
    mailboxIds = new Set(rows.map((r) => r.id));
  }
  return { emailState: rows[0].state, changes: { emails, mailboxIds } };
}
