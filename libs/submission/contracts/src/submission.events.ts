/**
 * EmailSubmission and VacationResponse events (past tense, starting with their object; STYLE.md convention 1).
 * They carry every value the read models need, so a replay rebuilds `email_submissions` and
 * `vacation_responses` (invariant 5). The send queue is not a read model: it is written by the command handler
 * (a replay must never send again).
 */

/** RFC 8621 7: an SMTP address with its parameters (null when there are none). */
export interface SmtpAddress {
  email: string;
  parameters: Record<string, string | null> | null;
}

export interface Envelope {
  mailFrom: SmtpAddress;
  rcptTo: SmtpAddress[];
}

/** RFC 8621 7 DeliveryStatus. */
export interface DeliveryStatus {
  smtpReply: string;
  delivered: 'queued' | 'yes' | 'no' | 'unknown';
  displayed: 'unknown' | 'yes';
}

export type UndoStatus = 'pending' | 'final' | 'canceled';

export interface EmailSubmissionFields {
  identityId: string;
  emailId: string;
  threadId: string;
  envelope: Envelope;
  /** UTCDate. */
  sendAt: string;
  undoStatus: UndoStatus;
  /** Keyed by rcptTo address. */
  deliveryStatus: Record<string, DeliveryStatus>;
  dsnBlobIds: string[];
  mdnBlobIds: string[];
}

export interface EmailSubmissionCreated {
  readonly type: 'EmailSubmissionCreated';
  readonly v: 1;
  readonly data: { id: string } & EmailSubmissionFields;
}

/** The properties the server changes after creation (the send outcome, a cancel). */
export type EmailSubmissionChanges = Partial<
  Pick<EmailSubmissionFields, 'undoStatus' | 'deliveryStatus' | 'dsnBlobIds' | 'mdnBlobIds'>
>;

export interface EmailSubmissionUpdated {
  readonly type: 'EmailSubmissionUpdated';
  readonly v: 1;
  readonly data: { id: string; changes: EmailSubmissionChanges };
}

export interface EmailSubmissionDestroyed {
  readonly type: 'EmailSubmissionDestroyed';
  readonly v: 1;
  readonly data: { id: string };
}

export type EmailSubmissionEvent = EmailSubmissionCreated | EmailSubmissionUpdated | EmailSubmissionDestroyed;

/** RFC 8621 8: the singleton VacationResponse (id "singleton"). */
export interface VacationResponseFields {
  isEnabled: boolean;
  fromDate: string | null;
  toDate: string | null;
  subject: string | null;
  textBody: string | null;
  htmlBody: string | null;
}

/** The whole object after a VacationResponse/set update. */
export interface VacationResponseUpdated {
  readonly type: 'VacationResponseUpdated';
  readonly v: 1;
  readonly data: VacationResponseFields;
}

export type SubmissionDomainEvent = EmailSubmissionEvent | VacationResponseUpdated;

export const SUBMISSION_EVENT_TYPES: ReadonlySet<string> = new Set([
  'EmailSubmissionCreated',
  'EmailSubmissionUpdated',
  'EmailSubmissionDestroyed',
  'VacationResponseUpdated',
]);

export function isSubmissionDomainEvent(e: { type: string }): e is SubmissionDomainEvent {
  return SUBMISSION_EVENT_TYPES.has(e.type);
}

export const EMAIL_SUBMISSION_TYPE = 'EmailSubmission';
export const VACATION_RESPONSE_TYPE = 'VacationResponse';
export const VACATION_SINGLETON_ID = 'singleton';
