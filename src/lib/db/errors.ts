import { DatabaseUnavailableError } from '../errors';

/**
 * What a failure means for the request:
 * - credentials: the server rejected the login (a rotated password); nothing was sent.
 * - capacity: no connection slot free, or the server is starting; nothing was sent.
 * - unavailable: the server cannot be reached, or a query timed out.
 * - connection-lost: the link broke; a statement in flight may or may not have run.
 * - statement: the server refused the statement itself (a duplicate key, say); the link is fine.
 * - startup-parameters: a pooler (PgBouncer in transaction mode) refused a setting sent at login; nothing was sent.
 * - other: not a database failure.
 */
export type FailureKind = 'credentials' | 'capacity' | 'unavailable' | 'connection-lost' | 'statement' | 'startup-parameters' | 'other';

const credentialStates = new Set(['28P01', '28000']);
const capacityStates = new Set(['53300', '53400', '57P03']);
// 57P05: the server ended an idle session (idle_session_timeout).
const lostStates = new Set(['57P01', '57P02', '57P05', '08000', '08003', '08006', '08007']);
const unavailableStates = new Set(['57014', '3D000', '08001', '08004']);
const lostSystemCodes = new Set(['ECONNRESET', 'EPIPE']);
const unavailableSystemCodes = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

const startupParameterMessage = /unsupported startup parameter/i;
const capacityMessage = /too many (clients|connections)|remaining connection slots|no more connections allowed|connection limit exceeded/i;
const lostMessage = /connection terminated|connection(?: is)? closed|client has encountered a connection error/i;
const unavailableMessage =
  /timeout exceeded when trying to connect|connection timeout|query read timeout|cannot use a pool after calling end/i;

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function failureKind(error: unknown): FailureKind {
  const code = sqlState(error) ?? '';
  const message = error instanceof Error ? error.message : '';
  if (credentialStates.has(code)) return 'credentials';
  if (startupParameterMessage.test(message)) return 'startup-parameters';
  if (capacityStates.has(code) || capacityMessage.test(message)) return 'capacity';
  if (unavailableStates.has(code) || unavailableSystemCodes.has(code) || unavailableMessage.test(message)) return 'unavailable';
  if (lostStates.has(code) || lostSystemCodes.has(code) || code.startsWith('08') || lostMessage.test(message)) return 'connection-lost';
  if (/^[0-9A-Z]{5}$/.test(code)) return 'statement';
  return 'other';
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const kind = failureKind(error);
  return kind !== 'statement' && kind !== 'other';
}

/** Turns database failures into a domain error; everything else passes through untouched. */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isUnavailable(error)) return error;
  return new DatabaseUnavailableError('The database is temporarily unavailable', 1, { cause: error });
}
