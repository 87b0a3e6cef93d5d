/** Domain errors. Their HTTP meaning is decided in one place: `http/problem.ts`. */

export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly issues: FieldIssue[]) {
    super(`Invalid ${issues.map((issue) => issue.field).join(', ')}`);
  }
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** A known path asked with a method it does not have: `allowed` are the methods it has. */
export class MethodNotAllowedError extends Error {
  override readonly name = 'MethodNotAllowedError';
  constructor(readonly allowed: readonly string[]) {
    super(`This path answers ${allowed.join(', ')} only`);
  }
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/**
 * A dependency cannot serve right now; the client should retry after `retryAfterSeconds`. The
 * message is for the logs; `detail` is what the client reads.
 */
export class UnavailableError extends Error {
  override readonly name: string = 'UnavailableError';
  constructor(
    /** Which dependency: the 503s are counted by it. */
    readonly cause503: UnavailableCause,
    message: string,
    readonly detail: string,
    readonly retryAfterSeconds = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type UnavailableCause = 'database' | 'token-keys' | 'idempotency-store';

export class DatabaseUnavailableError extends UnavailableError {
  override readonly name = 'DatabaseUnavailableError';
  constructor(message: string, retryAfterSeconds = 1, options?: ErrorOptions) {
    super('database', message, 'The service cannot reach its database right now. Retry shortly.', retryAfterSeconds, options);
  }
}

/** RFC 6750 error codes, for the `WWW-Authenticate` challenge. */
export type BearerError = 'invalid_token' | 'insufficient_scope';

/** The request carries no usable access token (401), or one without the scope the route needs (403). */
export class AccessDeniedError extends Error {
  override readonly name = 'AccessDeniedError';
  constructor(
    message: string,
    /** Absent when the request carried no bearer token at all. */
    readonly bearerError?: BearerError,
    /** The scope that would have been enough, for `insufficient_scope`. */
    readonly scope?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  get statusCode(): 401 | 403 {
    return this.bearerError === 'insufficient_scope' ? 403 : 401;
  }
}

/** A client's retry that cannot be answered from the first request's record: in progress (409) or a different request (422). */
export class IdempotencyKeyError extends Error {
  override readonly name = 'IdempotencyKeyError';
  constructor(
    readonly statusCode: 409 | 422,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
