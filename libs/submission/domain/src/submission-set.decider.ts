/**
 * EmailSubmission/set (RFC 8621 7.5) as a pure decision over what the handler loaded under the account lock:
 * each create is checked (email, identity, envelope, recipients, size, sending allowance) and becomes an
 * EmailSubmissionCreated event plus a queue entry; an update may only cancel a pending send; a destroy removes the
 * record (never the delivery).
 */
import { setError, type SetError } from '@jmap/protocol';
import type {
  DeliveryStatus,
  EmailSubmissionCreated,
  EmailSubmissionEvent,
  EmailSubmissionSetPayload,
  Envelope,
  UndoStatus,
} from '@jmap/submission-contracts';
import { addressKey, isSendableAddress } from './addresses.js';
import { deriveEnvelope, parseEnvelope, releaseTime, type EmailHeaderFacts } from './envelope.js';

export interface EmailToSend {
  threadId: string;
  blobId: string;
  size: number;
  facts: EmailHeaderFacts;
}

export interface IdentityView {
  id: string;
  /** May be a wildcard "*@domain" (RFC 8621 6). */
  email: string;
}

export interface ExistingSubmission {
  emailId: string;
  undoStatus: UndoStatus;
  /** True when the queued send is not being sent right now and has not been sent (its row could be locked). */
  cancellable: boolean;
}

export interface SubmissionSetInput {
  payload: EmailSubmissionSetPayload;
  state: string;
  now: Date;
  emails: ReadonlyMap<string, EmailToSend>;
  identities: ReadonlyMap<string, IdentityView>;
  submissions: ReadonlyMap<string, ExistingSubmission>;
  /** Submissions the account created in the last 24 hours. */
  sentLastDay: number;
  maxSize: number;
  newId(): string;
}

export interface QueuedSend {
  id: string;
  dueAt: Date;
  blobId: string;
  envelope: Envelope;
  progress: Record<string, DeliveryStatus>;
}

export interface SubmissionSetDecision {
  ok: boolean;
  events: EmailSubmissionEvent[];
  queued: QueuedSend[];
  canceled: string[];
  created: Record<string, Record<string, unknown>>;
  updated: Record<string, Record<string, unknown> | null>;
  destroyed: string[];
  notCreated: Record<string, SetError>;
  notUpdated: Record<string, SetError>;
  notDestroyed: Record<string, SetError>;
  createdIds: Record<string, string>;
  emailIds: Record<string, string>;
}

const CLIENT_PROPERTIES = new Set(['identityId', 'emailId', 'envelope']);
const SERVER_SET = new Set([
  'id',
  'threadId',
  'sendAt',
  'undoStatus',
  'deliveryStatus',
  'dsnBlobIds',
  'mdnBlobIds',
]);

/** An identity allows an address when it is the identity's address, or in the domain of a "*@domain" one. */
export function identityAllows(identity: IdentityView, address: string): boolean {
  const id = addressKey(identity.email);
  const a = addressKey(address);
  return id.startsWith('*@') ? a.endsWith(id.slice(1)) && a.indexOf('@') > 0 : a === id;
}

const resolve = (value: unknown, createdIds: Record<string, string>): unknown =>
  typeof value === 'string' && value.startsWith('#') ? (createdIds[value.slice(1)] ?? value) : value;

function decideCreate(
  input: SubmissionSetInput,
  raw: Record<string, unknown>,
  createdSoFar: number,
): SetError | { event: EmailSubmissionCreated; queued: QueuedSend } {
  const invalid = Object.keys(raw).filter((k) => !CLIENT_PROPERTIES.has(k));
  if (invalid.length > 0) {
    const serverSet = invalid.filter((k) => SERVER_SET.has(k));
    return setError(
      'invalidProperties',
      serverSet.length ? 'These properties are set by the server.' : 'Unknown properties.',
      { properties: invalid },
    );
  }
  const emailId = resolve(raw.emailId, input.payload.createdIds);
  const identityId = resolve(raw.identityId, input.payload.createdIds);
  const email = typeof emailId === 'string' ? input.emails.get(emailId) : undefined;
  const identity = typeof identityId === 'string' ? input.identities.get(identityId) : undefined;
  // "If the Email or Identity id given cannot be found, the submission creation is rejected with a standard
  // invalidProperties SetError."
  const missing = [...(email ? [] : ['emailId']), ...(identity ? [] : ['identityId'])];
  if (missing.length > 0 || !email || !identity)
    return setError('invalidProperties', 'No such Email or Identity.', { properties: missing });
  if (input.sentLastDay + createdSoFar >= input.payload.limits.maxPerDay) {
    return setError(
      'forbiddenToSend',
      `This account may send at most ${input.payload.limits.maxPerDay} messages a day; try again later.`,
    );
  }
  if (email.size > input.maxSize)
    return setError('tooLarge', `Messages larger than ${input.maxSize} octets cannot be sent.`, {
      maxSize: input.maxSize,
    });
  if (!email.facts.from || email.facts.from.length === 0)
    return setError('invalidEmail', 'The Email has no From address.', { properties: ['from'] });
  if (!email.facts.from.every((a) => identityAllows(identity, a.email))) {
    return setError(
      'forbiddenFrom',
      `The From header field must be the identity's address (${identity.email}).`,
    );
  }
  let envelope: Envelope;
  if (raw.envelope === undefined || raw.envelope === null) {
    const derived = deriveEnvelope(email.facts, (a) => identityAllows(identity, a), identity.email);
    if (!derived.ok) return setError('invalidEmail', derived.description, { properties: derived.properties });
    envelope = derived.envelope;
  } else {
    const given = parseEnvelope(raw.envelope);
    if (!given)
      return setError('invalidProperties', 'The envelope is not an Envelope object.', {
        properties: ['envelope'],
      });
    envelope = given;
    if (!identityAllows(identity, envelope.mailFrom.email)) {
      return setError(
        'forbiddenMailFrom',
        `The envelope's mailFrom must be the identity's address (${identity.email}).`,
      );
    }
  }
  const release = releaseTime(envelope.mailFrom, input.now, input.payload.limits.maxDelayedSend);
  if (!release.ok) return setError('invalidProperties', release.description, { properties: ['envelope'] });
  if (envelope.rcptTo.length === 0) return setError('noRecipients', 'The envelope has no rcptTo address.');
  if (envelope.rcptTo.length > input.payload.limits.maxRecipients) {
    return setError('tooManyRecipients', `At most ${input.payload.limits.maxRecipients} recipients.`, {
      maxRecipients: input.payload.limits.maxRecipients,
    });
  }
  const bad = envelope.rcptTo.map((r) => r.email).filter((e) => !isSendableAddress(e));
  if (bad.length > 0)
    return setError('invalidRecipients', 'Some recipients are not valid addresses.', {
      invalidRecipients: bad,
    });
  const id = input.newId();
  const deliveryStatus: Record<string, DeliveryStatus> = {};
  for (const r of envelope.rcptTo)
    deliveryStatus[r.email] = { smtpReply: '250 2.0.0 Queued', delivered: 'queued', displayed: 'unknown' };
  const sendAt = release.sendAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const event: EmailSubmissionCreated = {
    type: 'EmailSubmissionCreated',
    v: 1,
    data: {
      id,
      identityId: identity.id,
      emailId: emailId as string,
      threadId: email.threadId,
      envelope,
      sendAt,
      undoStatus: 'pending',
      deliveryStatus,
      dsnBlobIds: [],
      mdnBlobIds: [],
    },
  };
  return {
    event,
    queued: { id, dueAt: release.sendAt, blobId: email.blobId, envelope, progress: deliveryStatus },
  };
}

function decideUpdate(
  existing: ExistingSubmission | undefined,
  patch: Record<string, unknown>,
): SetError | { cancel: boolean } {
  if (!existing) return setError('notFound');
  const keys = Object.keys(patch);
  const bad = keys.filter((k) => k !== 'undoStatus');
  if (bad.length > 0)
    return setError('invalidProperties', 'Only undoStatus may be changed.', { properties: bad });
  if (!('undoStatus' in patch)) return { cancel: false };
  const to = patch.undoStatus;
  if (to === existing.undoStatus) return { cancel: false };
  if (to !== 'canceled')
    return setError('invalidProperties', 'undoStatus may only be set to "canceled".', {
      properties: ['undoStatus'],
    });
  // "if the update succeeds, the submission was successfully canceled, and the message has not been delivered
  // to any of the original recipients": only a pending send that no sender holds may be canceled.
  if (existing.undoStatus !== 'pending' || !existing.cancellable)
    return setError('cannotUnsend', 'The message has been sent or is being sent.');
  return { cancel: true };
}

export function decideSubmissionSet(input: SubmissionSetInput): SubmissionSetDecision {
  const d: SubmissionSetDecision = {
    ok: true,
    events: [],
    queued: [],
    canceled: [],
    created: {},
    updated: {},
    destroyed: [],
    notCreated: {},
    notUpdated: {},
    notDestroyed: {},
    createdIds: {},
    emailIds: {},
  };
  const { payload } = input;
  if (payload.ifInState !== null && payload.ifInState !== input.state) return { ...d, ok: false };
  for (const [cid, raw] of Object.entries(payload.create)) {
    const r = decideCreate(input, raw, d.queued.length);
    if ('type' in r && !('event' in r)) {
      d.notCreated[cid] = r as SetError;
      continue;
    }
    const { event, queued } = r as { event: EmailSubmissionCreated; queued: QueuedSend };
    d.events.push(event);
    d.queued.push(queued);
    d.created[cid] = {
      id: event.data.id,
      threadId: event.data.threadId,
      sendAt: event.data.sendAt,
      undoStatus: 'pending',
    };
    d.createdIds[cid] = event.data.id;
    d.emailIds[event.data.id] = event.data.emailId;
  }
  for (const [id, patch] of Object.entries(payload.update)) {
    const existing = input.submissions.get(id);
    const r = decideUpdate(existing, patch);
    if ('type' in r) {
      d.notUpdated[id] = r;
      continue;
    }
    if (r.cancel) {
      d.events.push({
        type: 'EmailSubmissionUpdated',
        v: 1,
        data: { id, changes: { undoStatus: 'canceled' } },
      });
      d.canceled.push(id);
    }
    d.updated[id] = null;
    d.emailIds[id] = existing!.emailId;
  }
  for (const id of payload.destroy) {
    const existing = input.submissions.get(id);
    if (!existing) {
      d.notDestroyed[id] = setError('notFound');
      continue;
    }
    d.events.push({ type: 'EmailSubmissionDestroyed', v: 1, data: { id } });
    d.destroyed.push(id);
    d.emailIds[id] = existing.emailId;
  }
  return d;
}
