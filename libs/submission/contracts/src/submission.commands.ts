/**
 * Commands the submission service accepts (topic `<prefix>commands.submission`, keyed by account id) and their
 * replies. EmailSubmission/set carries the parsed /set arguments; the service checks each creation against the
 * account (email, identity, envelope) under the account lock and queues the send in the same transaction.
 */
import type { SetError } from '@jmap/protocol';

export const SUBMISSION_SERVICE = 'submission';

export const SubmissionCommandTypes = {
  set: 'EmailSubmission/set',
  vacationSet: 'VacationResponse/set',
} as const;

export interface SubmissionLimits {
  /** Seconds a sendAt may lie in the future (RFC 8621 7 maxDelayedSend); 0: no delayed send. */
  maxDelayedSend: number;
  /** Most rcptTo addresses per submission (tooManyRecipients). */
  maxRecipients: number;
  /** Most submissions per account in the last 24 hours (forbiddenToSend past it). */
  maxPerDay: number;
}

export interface EmailSubmissionSetPayload {
  ifInState: string | null;
  create: Record<string, Record<string, unknown>>;
  update: Record<string, Record<string, unknown>>;
  destroy: string[];
  /** Creation ids resolved earlier in the request (for "#cid" emailId / identityId). */
  createdIds: Record<string, string>;
  limits: SubmissionLimits;
}

export interface EmailSubmissionSetReply {
  oldState: string;
  newState: string;
  created: Record<string, Record<string, unknown>>;
  updated: Record<string, Record<string, unknown> | null>;
  destroyed: string[];
  notCreated: Record<string, SetError>;
  notUpdated: Record<string, SetError>;
  notDestroyed: Record<string, SetError>;
  /** Server id by creation id. */
  createdIds: Record<string, string>;
  /** Email id of each submission this call created, updated or destroyed (for onSuccessUpdateEmail). */
  emailIds: Record<string, string>;
}

export interface VacationResponseSetPayload {
  ifInState: string | null;
  update: Record<string, Record<string, unknown>>;
  create: Record<string, Record<string, unknown>>;
  destroy: string[];
}

export interface VacationResponseSetReply {
  oldState: string;
  newState: string;
  updated: Record<string, Record<string, unknown> | null>;
  notUpdated: Record<string, SetError>;
  notCreated: Record<string, SetError>;
  notDestroyed: Record<string, SetError>;
}
