/**
 * /set (RFC 8620 section 5.3): argument parsing, creation-id references and patch objects.
 *
 * The gateway parses and checks the shape here; the owning service applies the changes atomically against the
 * current state (ifInState → stateMismatch is checked there, under the account lock). Update and destroy keys
 * may name records created earlier in the request as "#creationId" (erratum 6607); unknown ones stay as given
 * and fail with notFound.
 */
import { type Args, isId, isPlainObject } from '../args.js';
import { MethodError, type SetError } from '../errors.js';

export interface SetRequest<T = Record<string, unknown>> {
  accountId: string;
  ifInState: string | null;
  create: Record<string, T>;
  update: Record<string, Record<string, unknown>>;
  destroy: string[];
}

const CREATION_ID_RE = /^[A-Za-z0-9_-]{1,255}$/;

export function parseSetRequest(args: Args, maxObjectsInSet: number, createdIds: ReadonlyMap<string, string>): SetRequest {
  const accountId = args.requiredId('accountId');
  const ifInState = args.string('ifInState');
  const create = args.object('create') ?? {};
  const update = args.object('update') ?? {};
  const destroyRaw = args.raw('destroy');
  if (destroyRaw !== undefined && destroyRaw !== null && (!Array.isArray(destroyRaw) || !destroyRaw.every((d) => typeof d === 'string'))) {
    throw new MethodError('invalidArguments', '"destroy" must be an array of Ids or null.');
  }
  const destroy = [...new Set(((destroyRaw as string[] | null | undefined) ?? []).map((id) => resolveIdRef(id, createdIds)))];
  for (const [cid, obj] of Object.entries(create)) {
    if (!CREATION_ID_RE.test(cid)) throw new MethodError('invalidArguments', `"${cid}" is not a valid creation id.`);
    if (!isPlainObject(obj)) throw new MethodError('invalidArguments', `create["${cid}"] must be an object.`);
  }
  const resolvedUpdate: Record<string, Record<string, unknown>> = {};
  for (const [id, patch] of Object.entries(update)) {
    if (!isPlainObject(patch)) throw new MethodError('invalidArguments', `update["${id}"] must be a PatchObject.`);
    resolvedUpdate[resolveIdRef(id, createdIds)] = patch;
  }
  const total = Object.keys(create).length + Object.keys(resolvedUpdate).length + destroy.length;
  if (total > maxObjectsInSet) {
    throw new MethodError('requestTooLarge', `At most ${maxObjectsInSet} creates, updates and destroys per /set (maxObjectsInSet).`);
  }
  return { accountId, ifInState, create: create as Record<string, Record<string, unknown>>, update: resolvedUpdate, destroy };
}

/** "#cid" → the id created for cid earlier in the request; anything else unchanged. */
export function resolveIdRef(value: string, createdIds: ReadonlyMap<string, string>): string {
  if (value.startsWith('#')) return createdIds.get(value.slice(1)) ?? value;
  return value;
}

export interface SetResponse {
  accountId: string;
  oldState: string | null;
  newState: string;
  created: Record<string, Record<string, unknown>> | null;
  updated: Record<string, Record<string, unknown> | null> | null;
  destroyed: string[] | null;
  notCreated: Record<string, SetError> | null;
  notUpdated: Record<string, SetError> | null;
  notDestroyed: Record<string, SetError> | null;
}

const orNull = <T extends object>(o: T): T | null => (Object.keys(o).length > 0 ? o : null);

export function setResponse(r: {
  accountId: string;
  oldState: string | null;
  newState: string;
  created?: Record<string, Record<string, unknown>>;
  updated?: Record<string, Record<string, unknown> | null>;
  destroyed?: string[];
  notCreated?: Record<string, SetError>;
  notUpdated?: Record<string, SetError>;
  notDestroyed?: Record<string, SetError>;
}): SetResponse {
  return {
    accountId: r.accountId,
    oldState: r.oldState,
    newState: r.newState,
    created: orNull(r.created ?? {}),
    updated: orNull(r.updated ?? {}),
    destroyed: r.destroyed && r.destroyed.length > 0 ? r.destroyed : null,
    notCreated: orNull(r.notCreated ?? {}),
    notUpdated: orNull(r.notUpdated ?? {}),
    notDestroyed: orNull(r.notDestroyed ?? {}),
  };
}

export class PatchError extends Error {}

/**
 * Applies a PatchObject (RFC 8620 section 5.3) to a copy of `target`: keys are JSON Pointers without the leading
 * "/", the pointer may not reach into an array, every part before the last must exist, no key may be a prefix of
 * another, and null removes (or resets) the property. Throws PatchError (→ invalidPatch).
 *
 * Security bound: the patch comes from the client, so every step follows own properties only and every write
 * defines an own property. A key like "__proto__/x" would otherwise walk into Object.prototype and change every
 * object in the process.
 */
export function applyPatch<T extends Record<string, unknown>>(target: T, patch: Record<string, unknown>): T {
  const keys = Object.keys(patch);
  for (const a of keys) {
    for (const b of keys) {
      if (a !== b && b.startsWith(`${a}/`)) throw new PatchError(`"${a}" and "${b}" overlap`);
    }
  }
  const out = structuredClone(target) as Record<string, unknown>;
  for (const key of keys) {
    const tokens = key.split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    let parent: unknown = out;
    for (const token of tokens.slice(0, -1)) {
      if (Array.isArray(parent)) throw new PatchError(`"${key}" points inside an array`);
      const child = isPlainObject(parent) && hasOwn(parent, token) ? parent[token] : undefined;
      if (!isPlainObject(child) && !Array.isArray(child)) throw new PatchError(`"${key}": "${token}" does not exist`);
      parent = child;
    }
    if (Array.isArray(parent)) throw new PatchError(`"${key}" points inside an array`);
    if (!isPlainObject(parent)) throw new PatchError(`"${key}" has no object to patch`);
    const last = tokens[tokens.length - 1];
    if (patch[key] === null) delete parent[last];
    else Object.defineProperty(parent, last, { value: structuredClone(patch[key]), enumerable: true, writable: true, configurable: true });
  }
  return out as T;
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/** Top-level property names a patch touches ("keywords/$seen" touches "keywords"). */
export function patchedProperties(patch: Record<string, unknown>): string[] {
  return [...new Set(Object.keys(patch).map((k) => k.split('/')[0]))];
}

export { isId };
