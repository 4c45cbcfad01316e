/**
 * The three error levels of JMAP (RFC 8620): request-level problem details (section 3.6.1), method-level
 * errors (section 3.6.2) and per-object SetErrors (section 5.3). Domain code throws MethodError; the
 * dispatcher turns it into ["error", {type, ...}, callId].
 */
export type RequestErrorType = 'unknownCapability' | 'notJSON' | 'notRequest' | 'limit';

export class RequestError extends Error {
  constructor(
    readonly type: RequestErrorType,
    readonly detail: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'RequestError';
  }

  /** RFC 7807 problem details body. */
  toProblem(): Record<string, unknown> {
    return { type: `urn:ietf:params:jmap:error:${this.type}`, status: this.status, detail: this.detail, ...this.extra };
  }
}

export const limitError = (limit: string, detail: string) => new RequestError('limit', detail, 400, { limit });

export type MethodErrorType =
  | 'serverUnavailable'
  | 'serverFail'
  | 'serverPartialFail'
  | 'unknownMethod'
  | 'invalidArguments'
  | 'invalidResultReference'
  | 'forbidden'
  | 'accountNotFound'
  | 'accountNotSupportedByMethod'
  | 'accountReadOnly'
  | 'requestTooLarge'
  | 'stateMismatch'
  | 'cannotCalculateChanges'
  | 'tooManyChanges'
  | 'anchorNotFound'
  | 'unsupportedSort'
  | 'unsupportedFilter'
  | 'fromAccountNotFound'
  | 'fromAccountNotSupportedByMethod'
  | (string & {});

export class MethodError extends Error {
  constructor(
    readonly type: MethodErrorType,
    readonly description?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(description ?? type);
    this.name = 'MethodError';
  }

  toArgs(): Record<string, unknown> {
    return { type: this.type, ...(this.description ? { description: this.description } : {}), ...this.extra };
  }
}

export const invalidArguments = (description: string) => new MethodError('invalidArguments', description);

/** A per-object error of /set, /copy and similar (RFC 8620 section 5.3). */
export interface SetError {
  type: string;
  description?: string;
  /** invalidProperties: the properties that were invalid. */
  properties?: string[];
  [extra: string]: unknown;
}

export const setError = (type: string, description?: string, extra: Record<string, unknown> = {}): SetError => ({
  type,
  ...(description ? { description } : {}),
  ...extra,
});
