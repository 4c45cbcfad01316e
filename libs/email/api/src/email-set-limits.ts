/** The limits Email/set enforces, from the environment (read once per process). */
import type { EmailSetLimits } from '@jmap/email-contracts';
import { mailLimitsFromEnv } from '@jmap/mailbox-api';
import { loadConfig } from '@jmap/platform';

let cached: EmailSetLimits | null = null;

export function emailSetLimits(): EmailSetLimits {
  if (!cached) {
    const mail = mailLimitsFromEnv();
    cached = {
      maxMailboxesPerEmail: mail.maxMailboxesPerEmail,
      maxSizeAttachmentsPerEmail: mail.maxSizeAttachmentsPerEmail,
      maxKeywordsPerEmail: loadConfig(['MAX_KEYWORDS_PER_EMAIL']).MAX_KEYWORDS_PER_EMAIL,
    };
  }
  return cached;
}
