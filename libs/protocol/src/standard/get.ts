/**
 * /get (RFC 8620 section 5.1): argument parsing and the shape of the response. `ids: null` asks for every
 * record (refused with requestTooLarge past maxObjectsInGet); `ids: []` returns an empty list (clarification Q7);
 * a repeated id appears once; `properties` limits the result but `id` is always included (Q8); an unknown
 * property is invalidArguments.
 */
import { type Args } from '../args.js';
import { MethodError } from '../errors.js';

export interface GetRequest {
  accountId: string;
  ids: string[] | null;
  /** The properties to return, always including "id". */
  properties: string[];
  /** maxObjectsInGet, which also bounds `ids: null` (all records). */
  maxObjects: number;
}

export interface GetOptions {
  /** Every property of the type. */
  allProperties: readonly string[];
  /** Returned when `properties` is null (defaults to allProperties). */
  defaultProperties?: readonly string[];
  maxObjectsInGet: number;
  /** Accepts property names outside allProperties (e.g. Email's header:* forms); returns false to reject. */
  isDynamicProperty?(name: string): boolean;
}

export function parseGetRequest(args: Args, options: GetOptions): GetRequest {
  const accountId = args.requiredId('accountId');
  const ids = args.ids('ids');
  const requested = args.strings('properties');
  if (ids && ids.length > options.maxObjectsInGet) {
    throw new MethodError(
      'requestTooLarge',
      `At most ${options.maxObjectsInGet} ids per /get (maxObjectsInGet).`,
    );
  }
  let properties: string[];
  if (requested === null) {
    properties = [...(options.defaultProperties ?? options.allProperties)];
  } else {
    const known = new Set(options.allProperties);
    const unknown = requested.filter((p) => !known.has(p) && !options.isDynamicProperty?.(p));
    if (unknown.length > 0)
      throw new MethodError('invalidArguments', `Unknown properties: ${unknown.join(', ')}.`);
    properties = [...new Set(requested)];
  }
  if (!properties.includes('id')) properties.unshift('id');
  return { accountId, ids, properties, maxObjects: options.maxObjectsInGet };
}

/** Copies only the requested properties (missing ones as null). */
export function pickProperties<T extends object>(
  record: T,
  properties: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = record as Record<string, unknown>;
  for (const p of properties) out[p] = r[p] === undefined ? null : r[p];
  return out;
}

export interface GetResponse {
  accountId: string;
  state: string;
  list: Record<string, unknown>[];
  notFound: string[];
}

/**
 * Builds the response: found records in request order (or any order for ids: null) and the ids not found.
 * `picked`: the records hold exactly the requested properties already and go into the list as they are.
 */
export function getResponse(
  request: GetRequest,
  state: string,
  found: ReadonlyMap<string, object> | readonly (object & { id: string })[],
  picked = false,
): GetResponse {
  const pick = picked
    ? (r: object) => r as Record<string, unknown>
    : (r: object) => pickProperties(r, request.properties);
  const byId =
    found instanceof Map ? found : new Map((found as (object & { id: string })[]).map((f) => [f.id, f]));
  if (request.ids === null) {
    // "If null, then *all* records ... are returned, if ... the number of records does not exceed the
    // maxObjectsInGet limit" (RFC 8620 section 5.1); a type with more asks the client to name ids.
    if (byId.size > request.maxObjects) {
      throw new MethodError(
        'requestTooLarge',
        `There are more than ${request.maxObjects} records; ask for them by id (maxObjectsInGet).`,
      );
    }
    return {
      accountId: request.accountId,
      state,
      list: [...byId.values()].map(pick),
      notFound: [],
    };
  }
  const list: Record<string, unknown>[] = [];
  const notFound: string[] = [];
  for (const id of request.ids) {
    const r = byId.get(id);
    if (r) list.push(pick(r));
    else notFound.push(id);
  }
  return { accountId: request.accountId, state, list, notFound };
}
