/**
 * Mailbox/set decided against the account's mailboxes (RFC 8621 section 2.5, RFC 8620 section 5.3): creates
 * first (in an order that resolves "#creationId" parents created in the same call), then updates, then destroys
 * (children before parents). Each is accepted or rejected on its own against the state as it evolves, so the
 * result is what sequential processing gives. Pure: ids come from `meta.newId`.
 */
import type { MailboxEvent, MailboxSetPayload, MailboxSetReply } from '@jmap/mailbox-contracts';
import { applyPatch, PatchError, setError, type SetError } from '@jmap/protocol';
import {
  DEFAULT_MAILBOXES,
  ZERO_COUNTS,
  depthOf,
  evolve,
  isSelfOrAncestor,
  rightsFor,
  subtreeHeight,
  type Mailbox,
  type MailboxState,
} from './mailbox.js';
import {
  CLIENT_PROPERTIES,
  SERVER_PROPERTIES,
  invalidFields,
  invalidProperties,
  toFields,
  unexpectedCreateProperties,
} from './mailbox.validation.js';

export interface DecideMeta {
  newId(): string;
}

export type SetOutcome = Omit<MailboxSetReply, 'oldState' | 'newState'>;

export type SetDecision =
  | { ok: false; error: 'stateMismatch' }
  | { ok: true; events: MailboxEvent[]; reply: SetOutcome; destroyedWithEmails: string[] };

const DEFAULTS = { parentId: null, role: null, sortOrder: 0, isSubscribed: true };

class SetRun {
  readonly events: MailboxEvent[] = [];
  readonly mailboxes: Map<string, Mailbox>;
  readonly reply: SetOutcome = { created: {}, updated: {}, destroyed: [], notCreated: {}, notUpdated: {}, notDestroyed: {}, createdIds: {} };
  readonly destroyedWithEmails: string[] = [];
  private readonly refs: Map<string, string>;

  constructor(
    private readonly state: MailboxState,
    private readonly cmd: MailboxSetPayload,
    private readonly meta: DecideMeta,
  ) {
    this.mailboxes = new Map(state.mailboxes);
    this.refs = new Map(Object.entries(cmd.createdIds));
  }

  emit(event: MailboxEvent): void {
    this.events.push(event);
    evolve(this.mailboxes, event);
  }

  /** "#cid" → id; null when it names a creation not (yet) made. */
  resolve(value: unknown): unknown {
    if (typeof value === 'string' && value.startsWith('#')) return this.refs.get(value.slice(1)) ?? null;
    return value;
  }

  /** Checks tree and uniqueness rules for `m` (new or changed) against the other mailboxes. */
  treeError(m: Mailbox, isNew: boolean): SetError | null {
    const { limits } = this.cmd;
    if (m.parentId !== null) {
      const parent = this.mailboxes.get(m.parentId);
      if (!parent) return invalidProperties(['parentId'], 'The parent mailbox does not exist.');
      if (!isNew && isSelfOrAncestor(this.mailboxes, m.id, m.parentId)) {
        return invalidProperties(['parentId'], 'A mailbox cannot be moved under itself or its descendants.');
      }
      if (!rightsFor(parent).mayCreateChild) return setError('forbidden', 'Mailboxes may not be created under this parent.');
    } else if (isNew && !limits.mayCreateTopLevelMailbox) {
      return setError('forbidden', 'Top-level mailboxes may not be created in this account.');
    }
    const height = isNew ? 1 : subtreeHeight(this.mailboxes, m.id);
    if (depthOf(this.mailboxes, m.parentId) + height > limits.maxMailboxDepth) {
      return invalidProperties(['parentId'], `Mailboxes may be nested at most ${limits.maxMailboxDepth} deep.`);
    }
    for (const other of this.mailboxes.values()) {
      if (other.id === m.id) continue;
      if (other.parentId === m.parentId && other.name === m.name) {
        // rfc-clarifications Q17: a duplicate sibling name is "alreadyExists".
        return setError('alreadyExists', 'A sibling mailbox has this name.', { existingId: other.id, properties: ['name'] });
      }
      if (m.role !== null && other.role === m.role) {
        return invalidProperties(['role'], `Another mailbox already has the role "${m.role}".`);
      }
    }
    return null;
  }

  create(cid: string, obj: Record<string, unknown>): void {
    const unexpected = unexpectedCreateProperties(obj);
    if (unexpected.length > 0) {
      this.reply.notCreated[cid] = invalidProperties(unexpected, 'These properties cannot be set on create.');
      return;
    }
    const candidate = { ...DEFAULTS, ...obj, parentId: this.resolve(obj.parentId ?? null) };
    if (obj.parentId && candidate.parentId === null) {
      this.reply.notCreated[cid] = invalidProperties(['parentId'], `Unknown parent ${String(obj.parentId)}.`);
      return;
    }
    const bad = invalidFields(candidate, this.cmd.limits.maxSizeMailboxName);
    if (bad.length > 0) {
      this.reply.notCreated[cid] = invalidProperties(bad, 'Invalid mailbox properties.');
      return;
    }
    const mailbox: Mailbox = { id: this.meta.newId(), ...toFields(candidate) };
    const err = this.treeError(mailbox, true);
    if (err) {
      this.reply.notCreated[cid] = err;
      return;
    }
    this.emit({ type: 'MailboxCreated', v: 1, data: mailbox });
    this.refs.set(cid, mailbox.id);
    this.reply.createdIds[cid] = mailbox.id;
    const defaults: Record<string, unknown> = { id: mailbox.id };
    for (const [k, v] of Object.entries(DEFAULTS)) if (!(k in obj)) defaults[k] = v;
    Object.assign(defaults, { ...ZERO_COUNTS, myRights: rightsFor(mailbox) });
    this.reply.created[cid] = defaults;
  }

  update(id: string, patch: Record<string, unknown>): void {
    const current = this.mailboxes.get(id);
    if (!current) {
      this.reply.notUpdated[id] = setError('notFound', 'No such mailbox.');
      return;
    }
    const serverView: Record<string, unknown> = { ...current, ...(this.state.counts.get(id) ?? ZERO_COUNTS), myRights: rightsFor(current) };
    let next: Record<string, unknown>;
    try {
      next = applyPatch(serverView, patch);
    } catch (err) {
      if (!(err instanceof PatchError)) throw err;
      this.reply.notUpdated[id] = setError('invalidPatch', err.message);
      return;
    }
    const touched = [...new Set(Object.keys(patch).map((k) => k.split('/')[0]))];
    const unknown = touched.filter((p) => !(CLIENT_PROPERTIES as readonly string[]).includes(p) && !(SERVER_PROPERTIES as readonly string[]).includes(p));
    const serverChanged = touched.filter(
      (p) => (SERVER_PROPERTIES as readonly string[]).includes(p) && p in serverView && JSON.stringify(next[p]) !== JSON.stringify(serverView[p]),
    );
    if (unknown.length + serverChanged.length > 0) {
      this.reply.notUpdated[id] = invalidProperties([...unknown, ...serverChanged], 'Unknown or server-set properties.');
      return;
    }
    const candidate = { ...DEFAULTS, ...next, parentId: this.resolve(next.parentId ?? null) };
    const bad = invalidFields(candidate, this.cmd.limits.maxSizeMailboxName);
    if (bad.length > 0) {
      this.reply.notUpdated[id] = invalidProperties(bad, 'Invalid mailbox properties.');
      return;
    }
    const updated: Mailbox = { id, ...toFields(candidate) };
    const rights = rightsFor(current);
    if ((updated.name !== current.name || updated.parentId !== current.parentId) && !rights.mayRename) {
      this.reply.notUpdated[id] = setError('forbidden', 'This mailbox may not be renamed or moved.');
      return;
    }
    const err = this.treeError(updated, false);
    if (err) {
      this.reply.notUpdated[id] = err;
      return;
    }
    const changes: Partial<Mailbox> = {};
    for (const k of CLIENT_PROPERTIES) if (updated[k] !== current[k]) (changes as Record<string, unknown>)[k] = updated[k];
    if (Object.keys(changes).length > 0) this.emit({ type: 'MailboxUpdated', v: 1, data: { id, changes } });
    this.reply.updated[id] = null;
  }

  destroy(id: string): void {
    const current = this.mailboxes.get(id);
    if (!current) {
      this.reply.notDestroyed[id] = setError('notFound', 'No such mailbox.');
      return;
    }
    if (!rightsFor(current).mayDelete) {
      this.reply.notDestroyed[id] = setError('forbidden', 'This mailbox may not be deleted.');
      return;
    }
    // rfc-clarifications Q18: children block the destroy even with onDestroyRemoveEmails.
    if ([...this.mailboxes.values()].some((m) => m.parentId === id)) {
      this.reply.notDestroyed[id] = setError('mailboxHasChild', 'The mailbox has child mailboxes.');
      return;
    }
    if ((this.state.counts.get(id)?.totalEmails ?? 0) > 0) {
      if (!this.cmd.onDestroyRemoveEmails) {
        this.reply.notDestroyed[id] = setError('mailboxHasEmail', 'The mailbox contains emails.');
        return;
      }
      this.destroyedWithEmails.push(id);
    }
    this.emit({ type: 'MailboxDestroyed', v: 1, data: { id } });
    this.reply.destroyed.push(id);
  }
}

/** Creates whose parent is a creation id of this call wait until that creation is made. */
function creationOrder(create: Record<string, Record<string, unknown>>): string[] {
  const pending = new Map(Object.entries(create));
  const order: string[] = [];
  const made = new Set<string>();
  while (pending.size > 0) {
    let progressed = false;
    for (const [cid, obj] of pending) {
      const parent = obj.parentId;
      const waitsFor = typeof parent === 'string' && parent.startsWith('#') && pending.has(parent.slice(1)) && parent.slice(1) !== cid ? parent.slice(1) : null;
      if (waitsFor === null || made.has(waitsFor)) {
        order.push(cid);
        made.add(cid);
        pending.delete(cid);
        progressed = true;
      }
    }
    if (!progressed) {
      // A cycle of creation references: process the rest in order; their parents will not resolve.
      order.push(...pending.keys());
      break;
    }
  }
  return order;
}

export function decideSet(state: MailboxState, cmd: MailboxSetPayload, meta: DecideMeta): SetDecision {
  if (cmd.ifInState !== null && cmd.ifInState !== state.state) return { ok: false, error: 'stateMismatch' };
  const run = new SetRun(state, cmd, meta);
  for (const cid of creationOrder(cmd.create)) run.create(cid, cmd.create[cid]);
  for (const [id, patch] of Object.entries(cmd.update)) run.update(id.startsWith('#') ? (run.resolve(id) as string | null) ?? id : id, patch);
  const destroyIds = cmd.destroy.map((id) => (id.startsWith('#') ? ((run.resolve(id) as string | null) ?? id) : id));
  const destroyOrder = [...new Set(destroyIds)].sort((a, b) => depthOf(run.mailboxes, b) - depthOf(run.mailboxes, a));
  for (const id of destroyOrder) run.destroy(id);
  return { ok: true, events: run.events, reply: run.reply, destroyedWithEmails: run.destroyedWithEmails };
}

/** The standard mailboxes a new account gets; roles it already has are skipped (idempotent). */
export function decideCreateDefaults(state: MailboxState, meta: DecideMeta): { events: MailboxEvent[]; created: Record<string, string> } {
  const have = new Set([...state.mailboxes.values()].map((m) => m.role));
  const names = new Set([...state.mailboxes.values()].filter((m) => m.parentId === null).map((m) => m.name));
  const events: MailboxEvent[] = [];
  const created: Record<string, string> = {};
  for (const d of DEFAULT_MAILBOXES) {
    if (have.has(d.role) || names.has(d.name)) continue;
    const id = meta.newId();
    events.push({ type: 'MailboxCreated', v: 1, data: { id, name: d.name, parentId: null, role: d.role, sortOrder: d.sortOrder, isSubscribed: true } });
    created[d.role] = id;
  }
  return { events, created };
}
