/**
 * Email/import decided against the account (RFC 8621 4.8): each import succeeds or fails on its own, in the
 * order of the call, against the state as it evolves (an earlier import of the call can be the thread or the
 * duplicate of a later one). Pure: the facts of every message and the account state come in, ids and the
 * clock come through `meta`.
 *
 * Duplicates: the same raw octets (same blob id, i.e. SHA-256) as an email the account has are refused with
 * alreadyExists and the existing id (the RFC's "MAY forbid ... the same exact content"); the same Message-ID with
 * other octets is a separate email (a copy saved by another client, a re-sent message).
 */
import type { EmailCreated, EmailImportItem, ImportedEmail, MessageFacts } from '@jmap/email-contracts';
import { setError, type SetError } from '@jmap/protocol';
import { toUtcDate } from './dates.js';
import { chooseThread, threadingIds, type ThreadCandidate } from './threading.js';

/** One import after its blob was fetched and parsed (outside the account lock), or the reason it could not be. */
export type PreparedImport =
  | { item: EmailImportItem; ok: false; error: SetError }
  | {
      item: EmailImportItem;
      ok: true;
      /** "G" + SHA-256 of the message octets: the email's blobId. */
      blobId: string;
      /** The stored blob the account must be able to read: blobId itself, or the message a part was cut from. */
      sourceBlobId: string;
      /** True when the octets are a part of another blob: the account gets a row for blobId at import. */
      derived: boolean;
      facts: MessageFacts;
      /** RFC 8621 4.8 default receivedAt (the most recent Received field's date), or null. */
      receivedHeaderDate: string | null;
    };

/** What the decision needs from the account, read in the command's transaction after the account lock. */
export interface ImportState {
  emailState: string;
  mailboxIds: ReadonlySet<string>;
  /** Stored blob ids the account may read (rows locked until commit). */
  readableBlobs: ReadonlySet<string>;
  /** Email id by blob id, for the emails of the account with one of the call's blob ids. */
  existingByBlob: ReadonlyMap<string, string>;
  /** Emails sharing a message id with the call's messages, by message id. */
  candidatesByMessageId: ReadonlyMap<string, readonly ThreadCandidate[]>;
}

export interface ImportMeta {
  newId(prefix: 'E' | 'T'): string;
  now: Date;
}

export interface ImportOutcome {
  events: EmailCreated[];
  created: Record<string, ImportedEmail>;
  notCreated: Record<string, SetError>;
  /** The blobs the created emails reference: mark them referenced (or give the account a row when derived). */
  referencedBlobs: Array<{ blobId: string; derived: boolean; creationId: string }>;
}

export type ImportDecision = { ok: false; error: 'stateMismatch' } | ({ ok: true } & ImportOutcome);

const invalid = (property: string, description: string) =>
  setError('invalidProperties', description, { properties: [property] });

class ImportRun implements ImportOutcome {
  readonly events: EmailCreated[] = [];
  readonly created: Record<string, ImportedEmail> = {};
  readonly notCreated: Record<string, SetError> = {};
  readonly referencedBlobs: ImportOutcome['referencedBlobs'] = [];
  private readonly byBlob: Map<string, string>;
  private readonly candidates: Map<string, ThreadCandidate[]>;

  constructor(
    private readonly state: ImportState,
    private readonly meta: ImportMeta,
  ) {
    this.byBlob = new Map(state.existingByBlob);
    this.candidates = new Map([...state.candidatesByMessageId].map(([k, v]) => [k, [...v]]));
  }

  /** The reason an import cannot be made, or null. */
  private rejection(p: Extract<PreparedImport, { ok: true }>): SetError | null {
    if (!this.state.readableBlobs.has(p.sourceBlobId))
      return invalid('blobId', 'No such blob in this account.');
    const missing = p.item.mailboxIds.filter((id) => !this.state.mailboxIds.has(id));
    if (missing.length > 0) return invalid('mailboxIds', `No such mailbox: ${missing.join(', ')}.`);
    const existingId = this.byBlob.get(p.blobId);
    if (existingId)
      return setError('alreadyExists', 'This account already has an email with these exact octets.', {
        existingId,
      });
    return null;
  }

  import(p: PreparedImport): void {
    const cid = p.item.creationId;
    const error = p.ok ? this.rejection(p) : p.error;
    if (!p.ok || error) {
      this.notCreated[cid] = error!;
      return;
    }
    const ids = threadingIds(p.facts);
    const candidates = ids.flatMap((m) => this.candidates.get(m.messageId) ?? []);
    const id = this.meta.newId('E');
    const threadId = chooseThread(p.facts.baseSubject, candidates) ?? this.meta.newId('T');
    const receivedAt = p.item.receivedAt ?? p.receivedHeaderDate ?? toUtcDate(this.meta.now)!;
    this.events.push({
      type: 'EmailCreated',
      v: 1,
      data: {
        ...p.facts,
        id,
        threadId,
        blobId: p.blobId,
        mailboxIds: [...new Set(p.item.mailboxIds)],
        keywords: p.item.keywords,
        receivedAt,
        ...(p.item.delivery ? { delivery: p.item.delivery } : {}),
      },
    });
    this.created[cid] = { id, blobId: p.blobId, threadId, size: p.facts.size };
    this.referencedBlobs.push({ blobId: p.blobId, derived: p.derived, creationId: cid });
    this.byBlob.set(p.blobId, id);
    const self: ThreadCandidate = { emailId: id, threadId, baseSubject: p.facts.baseSubject, receivedAt };
    for (const m of ids)
      this.candidates.set(m.messageId, [...(this.candidates.get(m.messageId) ?? []), self]);
  }
}

export function decideImport(
  state: ImportState,
  payload: { ifInState: string | null },
  imports: readonly PreparedImport[],
  meta: ImportMeta,
): ImportDecision {
  if (payload.ifInState !== null && payload.ifInState !== state.emailState)
    return { ok: false, error: 'stateMismatch' };
  const run = new ImportRun(state, meta);
  for (const p of imports) run.import(p);
  const { events, created, notCreated, referencedBlobs } = run;
  return { ok: true, events, created, notCreated, referencedBlobs };
}
