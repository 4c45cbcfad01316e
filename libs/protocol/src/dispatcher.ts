/**
 * Processes a validated Request (RFC 8620 section 3): the calls in order; for each, the method must exist and
 * its capability (and core) be in `using` (else unknownMethod; an empty `using` rejects every call,
 * rfc-clarifications Q4), `#` arguments are resolved against earlier responses (section 3.7), and any failure
 * becomes that call's error response while the following calls still run (section 3.6.2).
 */
import { CORE } from './capabilities.js';
import { MethodError } from './errors.js';
import { evaluatePointer, PointerError } from './json-pointer.js';
import type { MethodContext, MethodRegistry, AccountAccess, Principal } from './method.js';
import type { Invocation, JmapRequest } from './request.js';

export interface DispatchEnvironment {
  requestId: string;
  principal: Principal;
  accounts: ReadonlyMap<string, AccountAccess>;
  /** Called for errors that are the server's fault (serverFail), for logging. */
  onServerError?(err: unknown, method: string): void;
  /** Called after every call with its outcome ("ok" or the error type) and duration, for metrics. */
  onMethodDone?(method: string, outcome: string, seconds: number): void;
}

export interface DispatchResult {
  methodResponses: Invocation[];
  createdIds: Map<string, string>;
}

export async function dispatch(
  registry: MethodRegistry,
  request: JmapRequest,
  env: DispatchEnvironment,
): Promise<DispatchResult> {
  const responses: Invocation[] = [];
  const using = new Set(request.using);
  const createdIds = new Map(Object.entries(request.createdIds ?? {}));
  const ctx: MethodContext = {
    requestId: env.requestId,
    principal: env.principal,
    accounts: env.accounts,
    using,
    createdIds,
    callId: '',
    locals: new Map(),
    addResponse: (name, args) => responses.push([name, args, ctx.callId]),
  };

  for (const [name, rawArgs, callId] of request.methodCalls) {
    ctx.callId = callId;
    const method = registry.get(name);
    if (!method || !using.has(CORE) || !using.has(method.capability)) {
      responses.push(['error', { type: 'unknownMethod', description: `Unknown method "${name}" for the capabilities in "using".` }, callId]);
      continue;
    }
    const at = responses.length;
    const started = performance.now();
    let outcome = 'ok';
    try {
      const args = resolveReferences(rawArgs, responses);
      const result = await method.handle(args, ctx);
      responses.splice(at, 0, [name, result, callId]);
    } catch (err) {
      responses.length = at; // a failed call leaves no partial responses
      if (err instanceof MethodError) {
        outcome = err.type;
        responses.push(['error', err.toArgs(), callId]);
      } else {
        outcome = 'serverFail';
        env.onServerError?.(err, name);
        responses.push(['error', { type: 'serverFail', description: 'An unexpected error occurred.' }, callId]);
      }
    } finally {
      env.onMethodDone?.(name, outcome, (performance.now() - started) / 1000);
    }
  }
  return { methodResponses: responses, createdIds };
}

/**
 * Replaces "#name" arguments by the values their ResultReference selects (RFC 8620 section 3.7). Keys are
 * defined as own properties: JSON.parse yields an own "__proto__" key, which a plain assignment would turn into
 * a prototype change (and silently drop from Core/echo's answer).
 */
export function resolveReferences(args: Record<string, unknown>, previous: readonly Invocation[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const define = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries(args)) {
    if (!key.startsWith('#')) {
      define(key, value);
      continue;
    }
    const plain = key.slice(1);
    if (Object.prototype.hasOwnProperty.call(args, plain)) {
      throw new MethodError('invalidArguments', `"${plain}" is given both directly and as a result reference.`);
    }
    define(plain, resolveReference(value, previous));
  }
  return out;
}

function resolveReference(ref: unknown, previous: readonly Invocation[]): unknown {
  if (
    ref === null ||
    typeof ref !== 'object' ||
    typeof (ref as Record<string, unknown>).resultOf !== 'string' ||
    typeof (ref as Record<string, unknown>).name !== 'string' ||
    typeof (ref as Record<string, unknown>).path !== 'string'
  ) {
    throw new MethodError('invalidResultReference', 'A ResultReference needs string "resultOf", "name" and "path".');
  }
  const { resultOf, name, path } = ref as { resultOf: string; name: string; path: string };
  const response = previous.find((r) => r[2] === resultOf);
  if (!response) throw new MethodError('invalidResultReference', `No response with call id "${resultOf}".`);
  if (response[0] !== name) {
    throw new MethodError('invalidResultReference', `The response to "${resultOf}" is "${response[0]}", not "${name}".`);
  }
  try {
    return evaluatePointer(response[1], path);
  } catch (err) {
    if (err instanceof PointerError) throw new MethodError('invalidResultReference', `Path "${path}": ${err.message}.`);
    throw err;
  }
}
