/**
 * Domain error classes, each mapping to one kind of response at the method boundary (STYLE.md, Emmett):
 * validation → invalidArguments, illegal state → a SetError or invalidArguments, not found → notFound,
 * concurrency → stateMismatch.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: 'validation' | 'illegalState' | 'notFound' | 'concurrency',
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validationError = (m: string, d?: Record<string, unknown>) =>
  new DomainError('validation', m, d);
export const illegalStateError = (m: string, d?: Record<string, unknown>) =>
  new DomainError('illegalState', m, d);
export const notFoundError = (m: string, d?: Record<string, unknown>) => new DomainError('notFound', m, d);
export const concurrencyError = (m: string, d?: Record<string, unknown>) =>
  new DomainError('concurrency', m, d);

/** A command that can never succeed however often it is retried: it goes to the dead-letter topic. */
export class PermanentCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentCommandError';
  }
}
