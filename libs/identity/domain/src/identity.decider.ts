/**
 * Identity/set decided against the account's identities (RFC 8621 section 6.3, RFC 8620 section 5.3): creates,
 * then updates, then destroys, each accepted or rejected on its own against the state as it evolves. Pure: ids
 * come from `meta.newId`, the addresses the account may send from come in the state.
 *
 * - `email` must be one of the account's own addresses (forbiddenFrom otherwise) and cannot change later.
 * - `id` and `mayDelete` are server-set; an identity with mayDelete false (the default one) cannot be destroyed
 *   (forbidden).
 */
import type {
  Identity,
  IdentityAddress,
  IdentityEvent,
  IdentityFields,
  IdentitySetPayload,
  IdentitySetReply,
} from '@jmap/identity-contracts';
import { applyPatch, PatchError, setError, type SetError } from '@jmap/protocol';

export interface IdentityState {
  state: string;
  identities: ReadonlyMap<string, Identity>;
  /** The addresses (lowercase) the account may send from: its own addresses. */
  addresses: ReadonlySet<string>;
}

export interface IdentityDecideMeta {
  newId(): string;
}

export type IdentitySetOutcome = Omit<IdentitySetReply, 'oldState' | 'newState'>;

export type IdentitySetDecision =
  { ok: false; error: 'stateMismatch' } | { ok: true; events: IdentityEvent[]; reply: IdentitySetOutcome };

export const IDENTITY_PROPERTIES = [
  'id',
  'name',
  'email',
  'replyTo',
  'bcc',
  'textSignature',
  'htmlSignature',
  'mayDelete',
] as const;
const CLIENT_PROPERTIES = ['name', 'email', 'replyTo', 'bcc', 'textSignature', 'htmlSignature'] as const;
const UPDATABLE = ['name', 'replyTo', 'bcc', 'textSignature', 'htmlSignature'] as const;
const IMMUTABLE = ['id', 'email', 'mayDelete'] as const;

/** Longest name in characters, and longest signature in characters (a bound on what one event carries). */
export const MAX_IDENTITY_NAME = 256;
export const MAX_SIGNATURE = 64 * 1024;

const EMAIL_RE = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+$/;

export const isEmailAddress = (v: unknown): v is string =>
  typeof v === 'string' && v.length <= 255 && EMAIL_RE.test(v);

const DEFAULTS: Omit<IdentityFields, 'email'> = {
  name: '',
  replyTo: null,
  bcc: null,
  textSignature: '',
  htmlSignature: '',
};

const invalid = (properties: string[], description: string): SetError =>
  setError('invalidProperties', description, { properties });

function isAddressList(v: unknown): v is IdentityAddress[] | null {
  if (v === null) return true;
  if (!Array.isArray(v) || v.length > 100) return false;
  return v.every(
    (a) =>
      typeof a === 'object' &&
      a !== null &&
      !Array.isArray(a) &&
      Object.keys(a).every((k) => k === 'name' || k === 'email') &&
      isEmailAddress((a as Record<string, unknown>).email) &&
      ((a as Record<string, unknown>).name === undefined ||
        (a as Record<string, unknown>).name === null ||
        typeof (a as Record<string, unknown>).name === 'string'),
  );
}

/** The properties among `fields` whose values are not valid. */
export function invalidIdentityFields(fields: Record<string, unknown>): string[] {
  const bad: string[] = [];
  if (typeof fields.name !== 'string' || fields.name.length > MAX_IDENTITY_NAME || /[\r\n]/.test(fields.name))
    bad.push('name');
  if (!isEmailAddress(fields.email)) bad.push('email');
  if (!isAddressList(fields.replyTo)) bad.push('replyTo');
  if (!isAddressList(fields.bcc)) bad.push('bcc');
  if (typeof fields.textSignature !== 'string' || fields.textSignature.length > MAX_SIGNATURE)
    bad.push('textSignature');
  if (typeof fields.htmlSignature !== 'string' || fields.htmlSignature.length > MAX_SIGNATURE)
    bad.push('htmlSignature');
  return bad;
}

const normaliseList = (l: IdentityAddress[] | null): IdentityAddress[] | null =>
  l === null ? null : l.map((a) => ({ name: a.name ?? null, email: a.email }));

function toFields(v: Record<string, unknown>): IdentityFields {
  return {
    name: v.name as string,
    email: v.email as string,
    replyTo: normaliseList(v.replyTo as IdentityAddress[] | null),
    bcc: normaliseList(v.bcc as IdentityAddress[] | null),
    textSignature: v.textSignature as string,
    htmlSignature: v.htmlSignature as string,
  };
}

export function evolveIdentities(identities: Map<string, Identity>, e: IdentityEvent): void {
  switch (e.type) {
    case 'IdentityCreated':
      identities.set(e.data.id, e.data);
      return;
    case 'IdentityUpdated': {
      const current = identities.get(e.data.id);
      if (current) identities.set(e.data.id, { ...current, ...e.data.changes });
      return;
    }
    case 'IdentityDestroyed':
      identities.delete(e.data.id);
      return;
  }
}

class IdentitySetRun {
  readonly events: IdentityEvent[] = [];
  readonly identities: Map<string, Identity>;
  readonly reply: IdentitySetOutcome = {
    created: {},
    updated: {},
    destroyed: [],
    notCreated: {},
    notUpdated: {},
    notDestroyed: {},
    createdIds: {},
  };

  constructor(
    private readonly state: IdentityState,
    private readonly meta: IdentityDecideMeta,
  ) {
    this.identities = new Map(state.identities);
  }

  private emit(e: IdentityEvent): void {
    this.events.push(e);
    evolveIdentities(this.identities, e);
  }

  create(cid: string, obj: Record<string, unknown>): void {
    const unexpected = Object.keys(obj).filter((k) => !(CLIENT_PROPERTIES as readonly string[]).includes(k));
    if (unexpected.length > 0) {
      // RFC 8620 5.3: unknown and server-set properties (id, mayDelete) cannot be given on create.
      this.reply.notCreated[cid] = invalid(unexpected, 'Unknown or server-set Identity properties.');
      return;
    }
    if (obj.email === undefined) {
      this.reply.notCreated[cid] = invalid(['email'], '"email" is required.');
      return;
    }
    const candidate: Record<string, unknown> = { ...DEFAULTS, ...obj };
    const bad = invalidIdentityFields(candidate);
    if (bad.length > 0) {
      this.reply.notCreated[cid] = invalid(bad, 'Invalid Identity properties.');
      return;
    }
    const fields = toFields(candidate);
    if (!this.state.addresses.has(fields.email.toLowerCase())) {
      this.reply.notCreated[cid] = setError(
        'forbiddenFrom',
        `This account may not send from ${fields.email}.`,
      );
      return;
    }
    const identity: Identity = { id: this.meta.newId(), ...fields, mayDelete: true };
    this.emit({ type: 'IdentityCreated', v: 1, data: identity });
    this.reply.createdIds[cid] = identity.id;
    // RFC 8620 5.3: the server-set properties and the defaults the client did not give.
    const created: Record<string, unknown> = { id: identity.id, mayDelete: true };
    for (const [k, v] of Object.entries(DEFAULTS)) if (!(k in obj)) created[k] = v;
    this.reply.created[cid] = created;
  }

  update(id: string, patch: Record<string, unknown>): void {
    const current = this.identities.get(id);
    if (!current) {
      this.reply.notUpdated[id] = setError('notFound', 'No such identity.');
      return;
    }
    let next: Record<string, unknown>;
    try {
      next = applyPatch({ ...current } as unknown as Record<string, unknown>, patch);
    } catch (err) {
      if (!(err instanceof PatchError)) throw err;
      this.reply.notUpdated[id] = setError('invalidPatch', err.message);
      return;
    }
    const touched = [...new Set(Object.keys(patch).map((k) => k.split('/')[0]))];
    const unknown = touched.filter((p) => !(IDENTITY_PROPERTIES as readonly string[]).includes(p));
    const immutableChanged = touched.filter(
      (p) =>
        (IMMUTABLE as readonly string[]).includes(p) &&
        JSON.stringify(next[p]) !== JSON.stringify((current as unknown as Record<string, unknown>)[p]),
    );
    if (unknown.length + immutableChanged.length > 0) {
      this.reply.notUpdated[id] = invalid(
        [...unknown, ...immutableChanged],
        'Unknown properties, or immutable ones (id, email, mayDelete) given another value.',
      );
      return;
    }
    // null resets a property to its default (RFC 8620 5.3).
    const candidate: Record<string, unknown> = { ...next };
    for (const k of UPDATABLE) if (candidate[k] === undefined) candidate[k] = DEFAULTS[k];
    for (const k of ['name', 'textSignature', 'htmlSignature'] as const)
      if (k in patch && patch[k] === null) candidate[k] = DEFAULTS[k];
    const bad = invalidIdentityFields(candidate).filter((p) => touched.includes(p));
    if (bad.length > 0) {
      this.reply.notUpdated[id] = invalid(bad, 'Invalid Identity properties.');
      return;
    }
    const fields = toFields(candidate);
    const changes: Partial<Omit<IdentityFields, 'email'>> = {};
    for (const k of UPDATABLE) {
      if (JSON.stringify(fields[k]) !== JSON.stringify(current[k]))
        (changes as Record<string, unknown>)[k] = fields[k];
    }
    if (Object.keys(changes).length > 0) this.emit({ type: 'IdentityUpdated', v: 1, data: { id, changes } });
    this.reply.updated[id] = null;
  }

  destroy(id: string): void {
    const current = this.identities.get(id);
    if (!current) {
      this.reply.notDestroyed[id] = setError('notFound', 'No such identity.');
      return;
    }
    if (!current.mayDelete) {
      this.reply.notDestroyed[id] = setError(
        'forbidden',
        'This identity may not be deleted (mayDelete is false).',
      );
      return;
    }
    this.emit({ type: 'IdentityDestroyed', v: 1, data: { id } });
    this.reply.destroyed.push(id);
  }
}

export function decideIdentitySet(
  state: IdentityState,
  payload: IdentitySetPayload,
  meta: IdentityDecideMeta,
): IdentitySetDecision {
  if (payload.ifInState !== null && payload.ifInState !== state.state)
    return { ok: false, error: 'stateMismatch' };
  const run = new IdentitySetRun(state, meta);
  for (const [cid, obj] of Object.entries(payload.create)) run.create(cid, obj);
  for (const [id, patch] of Object.entries(payload.update)) run.update(id, patch);
  for (const id of payload.destroy) run.destroy(id);
  return { ok: true, events: run.events, reply: run.reply };
}

/**
 * The default identity of an account (mayDelete false), unless it has one: the account's own address, the
 * principal's name. Null when there is nothing to create.
 */
export function decideCreateDefaultIdentity(
  state: Pick<IdentityState, 'identities'>,
  input: { email: string | null; name: string },
  meta: IdentityDecideMeta,
): IdentityEvent | null {
  if ([...state.identities.values()].some((i) => !i.mayDelete)) return null;
  if (!input.email) return null;
  const name = input.name.replace(/[\r\n]+/g, ' ').slice(0, MAX_IDENTITY_NAME);
  return {
    type: 'IdentityCreated',
    v: 1,
    data: { id: meta.newId(), ...DEFAULTS, name, email: input.email, mayDelete: false },
  };
}
