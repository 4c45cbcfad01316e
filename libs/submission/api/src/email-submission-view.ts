import type { EmailSubmissionRow } from '@jmap/submission-data-access';

/** Every EmailSubmission property (RFC 8621 7). */
export const EMAIL_SUBMISSION_PROPERTIES = [
  'id',
  'identityId',
  'emailId',
  'threadId',
  'envelope',
  'sendAt',
  'undoStatus',
  'deliveryStatus',
  'dsnBlobIds',
  'mdnBlobIds',
] as const;

export const toSubmissionObject = (r: EmailSubmissionRow): Record<string, unknown> & { id: string } => ({
  ...r,
});
