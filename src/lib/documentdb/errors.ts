/**
 * What a driver failure means for the request, in the terms of the PostgreSQL engine:
 * - credentials: the server rejected the login (a rotated password).
 * - unavailable: no server could be selected, or the network failed or timed out.
 * - duplicate: a unique index refused the write (E11000).
 * - other: not a database failure, or one to report as a 500.
 */
export type DocumentFailureKind = 'credentials' | 'unavailable' | 'duplicate' | 'other';

const authenticationFailed = 18;
const duplicateKey = new Set([11000, 11001]);
const internalError = 1;
const ferretDbUniqueViolation = /UNIQUE constraint failed: index /;
const unavailableNames = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'MongoNotConnectedError',
  'MongoOperationTimeoutError',
]);

export function documentFailureKind(error: unknown): DocumentFailureKind {
  if (!(error instanceof Error)) return 'other';
  const code = (error as { code?: unknown }).code;
  if (code === authenticationFailed || error.name === 'MongoAuthenticationError') return 'credentials';
  if (typeof code === 'number' && duplicateKey.has(code)) return 'duplicate';
  // FerretDB, the local stage's server, reports a unique index's refusal of an update as an internal error with
  // SQLite's message, where DocumentDB answers E11000: the local stack gives the same 409 as a deployed stage.
  if (code === internalError && ferretDbUniqueViolation.test(error.message)) return 'duplicate';
  // A failure to authenticate can reach the client wrapped in a selection or pool error; its cause says so.
  const cause = (error as { cause?: unknown }).cause;
  if (cause && cause !== error && documentFailureKind(cause) === 'credentials') return 'credentials';
  if (unavailableNames.has(error.name)) return 'unavailable';
  return 'other';
}

/** Values that reach a filter: strings only, so no client value can ever be read as a query operator. */
export function plainString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new TypeError(`${field} must be a string to be used in a query`);
  return value;
}
