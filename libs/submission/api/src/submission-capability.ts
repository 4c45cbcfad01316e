/**
 * The urn:ietf:params:jmap:submission capability (RFC 8621 1.3.2: maxDelayedSend and submissionExtensions in
 * each account's capabilities; the Identity methods use it too) and urn:ietf:params:jmap:vacationresponse
 * (RFC 8621 1.3.3: empty objects).
 */
import type { CapabilityProvider } from '@jmap/gateway';
import { loadConfig } from '@jmap/platform';
import { SUBMISSION, VACATION_RESPONSE } from '@jmap/protocol';
import type { SubmissionLimits } from '@jmap/submission-contracts';

export function submissionCapability(limits: SubmissionLimits & { maxSize: number }): CapabilityProvider {
  // submissionExtensions: the EHLO keywords and arguments of the submission this server does (RFC 8621 1.3.2).
  // FUTURERELEASE (RFC 4865) with its max-future-release-interval when delayed send is on.
  const extensions: Record<string, string[]> = { SIZE: [String(limits.maxSize)] };
  if (limits.maxDelayedSend > 0) extensions.FUTURERELEASE = [String(limits.maxDelayedSend)];
  return {
    urn: SUBMISSION,
    session: () => ({}),
    account: () => ({ maxDelayedSend: limits.maxDelayedSend, submissionExtensions: extensions }),
  };
}

export const vacationCapability: CapabilityProvider = {
  urn: VACATION_RESPONSE,
  session: () => ({}),
  account: () => ({}),
};

/** The limits the gateway advertises and passes to the service with each EmailSubmission/set. */
export function submissionLimitsFromEnv(): SubmissionLimits & { maxSize: number } {
  const c = loadConfig([
    'SUBMISSION_MAX_DELAYED_SEND',
    'SUBMISSION_MAX_RECIPIENTS',
    'SUBMISSION_MAX_PER_DAY',
    'SUBMISSION_MAX_SIZE',
  ]);
  return {
    maxDelayedSend: c.SUBMISSION_MAX_DELAYED_SEND,
    maxRecipients: c.SUBMISSION_MAX_RECIPIENTS,
    maxPerDay: c.SUBMISSION_MAX_PER_DAY,
    maxSize: c.SUBMISSION_MAX_SIZE,
  };
}
