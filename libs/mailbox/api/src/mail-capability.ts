/**
 * The urn:ietf:params:jmap:mail capability (RFC 8621 section 1.3.1): an empty object in the Session's
 * capabilities, the limits in each account's accountCapabilities. Every limit is enforced where it applies.
 */
import type { AccountRecord } from '@jmap/accounts';
import type { CapabilityProvider } from '@jmap/gateway';
import type { MailboxLimits } from '@jmap/mailbox-contracts';
import { loadConfig } from '@jmap/platform';
import { MAIL } from '@jmap/protocol';

export interface MailLimits extends MailboxLimits {
  maxMailboxesPerEmail: number;
  maxSizeAttachmentsPerEmail: number;
  emailQuerySortOptions: string[];
}

/** Email/query sorts (RFC 8621 section 4.4.2); the email feature implements each. */
export const EMAIL_QUERY_SORT_OPTIONS = [
  'receivedAt',
  'sentAt',
  'size',
  'from',
  'to',
  'subject',
  'hasKeyword',
  'allInThreadHaveKeyword',
  'someInThreadHaveKeyword',
];

export function mailLimitsFromEnv(): MailLimits {
  const c = loadConfig(['MAX_MAILBOX_DEPTH', 'MAX_SIZE_MAILBOX_NAME', 'MAX_MAILBOXES_PER_EMAIL', 'MAX_SIZE_ATTACHMENTS_PER_EMAIL']);
  return {
    maxMailboxDepth: c.MAX_MAILBOX_DEPTH,
    maxSizeMailboxName: c.MAX_SIZE_MAILBOX_NAME,
    mayCreateTopLevelMailbox: true,
    maxMailboxesPerEmail: c.MAX_MAILBOXES_PER_EMAIL,
    maxSizeAttachmentsPerEmail: c.MAX_SIZE_ATTACHMENTS_PER_EMAIL,
    emailQuerySortOptions: EMAIL_QUERY_SORT_OPTIONS,
  };
}

export function mailCapability(limits: MailLimits): CapabilityProvider {
  return {
    urn: MAIL,
    session: () => ({}),
    account: (account: AccountRecord) => ({
      maxMailboxesPerEmail: limits.maxMailboxesPerEmail,
      maxMailboxDepth: limits.maxMailboxDepth,
      maxSizeMailboxName: limits.maxSizeMailboxName,
      maxSizeAttachmentsPerEmail: limits.maxSizeAttachmentsPerEmail,
      emailQuerySortOptions: limits.emailQuerySortOptions,
      mayCreateTopLevelMailbox: !account.isReadOnly && limits.mayCreateTopLevelMailbox,
    }),
  };
}
