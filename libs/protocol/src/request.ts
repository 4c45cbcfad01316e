/**
 * The Request object (RFC 8620 section 3.3) and its validation into a RequestError where the RFC says so
 * (section 3.6.1): not JSON → notJSON; not a Request → notRequest (a MUST here, rfc-clarifications Q1);
 * an unknown capability in `using` → unknownCapability (HTTP level, Q3); too many calls → limit.
 */
import { RequestError, limitError } from './errors.js';

export type Invocation = [name: string, args: Record<string, unknown>, callId: string];

export interface JmapRequest {
  using: string[];
  methodCalls: Invocation[];
  createdIds?: Record<string, string>;
}

export interface JmapResponse {
  methodResponses: Invocation[];
  createdIds?: Record<string, string>;
  sessionState: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses the body as I-JSON (RFC 8620 section 1.5): UTF-8 that is not well-formed is notJSON rather than being
 * repaired into U+FFFD replacement characters, which would change the client's strings behind its back.
 */
export function parseRequestBody(body: Buffer | string): unknown {
  let text: string;
  try {
    text = typeof body === 'string' ? body : utf8.decode(body);
  } catch {
    throw new RequestError('notJSON', 'The request body is not valid UTF-8 (RFC 8620 section 1.5).');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError('notJSON', 'The request body is not valid JSON (RFC 8620 section 3.6.1).');
  }
}

export function validateRequest(
  value: unknown,
  options: { knownCapabilities: ReadonlySet<string>; maxCallsInRequest: number },
): JmapRequest {
  if (!isObject(value)) throw new RequestError('notRequest', 'The request must be a JSON object.');
  const { using, methodCalls, createdIds } = value;
  if (!Array.isArray(using) || !using.every((u) => typeof u === 'string')) {
    throw new RequestError('notRequest', '"using" must be an array of capability URIs.');
  }
  if (!Array.isArray(methodCalls)) throw new RequestError('notRequest', '"methodCalls" must be an array.');
  methodCalls.forEach((call, i) => {
    if (
      !Array.isArray(call) ||
      call.length !== 3 ||
      typeof call[0] !== 'string' ||
      !isObject(call[1]) ||
      typeof call[2] !== 'string'
    ) {
      throw new RequestError('notRequest', `methodCalls[${i}] must be [name: String, arguments: Object, methodCallId: String].`);
    }
  });
  if (createdIds !== undefined) {
    if (!isObject(createdIds) || !Object.values(createdIds).every((v) => typeof v === 'string')) {
      throw new RequestError('notRequest', '"createdIds" must be an object mapping creation ids to ids.');
    }
  }
  const unknown = (using as string[]).filter((u) => !options.knownCapabilities.has(u));
  if (unknown.length > 0) {
    throw new RequestError('unknownCapability', `The server does not support the capabilities: ${unknown.join(', ')}.`, 400, {
      capabilities: unknown,
    });
  }
  if (methodCalls.length > options.maxCallsInRequest) {
    throw limitError(
      'maxCallsInRequest',
      `The request has ${methodCalls.length} method calls; the limit is ${options.maxCallsInRequest}.`,
    );
  }
  return {
    using: using as string[],
    methodCalls: methodCalls as Invocation[],
    ...(createdIds !== undefined ? { createdIds: createdIds as Record<string, string> } : {}),
  };
}
