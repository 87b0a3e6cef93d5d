import { DatabaseUnavailableError } from '../errors';

/** SQLSTATE codes and driver conditions that mean "the database cannot serve now", not "the request is wrong". */
const unavailableStates = new Set([
  '53300', // too_many_connections
  '53400', // configuration_limit_exceeded
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled (statement timeout)
  '28P01', // invalid_password
  '28000', // invalid_authorization_specification
  '3D000', // invalid_catalog_name: database missing while being restored
]);

const unavailableSystemCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

const unavailableMessages = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /connection(?: is)? closed/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
];

export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const code = sqlState(error);
  if (code && (unavailableStates.has(code) || code.startsWith('08'))) return true;
  if (code && unavailableSystemCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return unavailableMessages.some((pattern) => pattern.test(message));
}

/** Turns driver failures into a domain error; everything else passes through untouched. */
export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isUnavailable(error)) return error;
  return new DatabaseUnavailableError('The database is temporarily unavailable', 1, { cause: error });
}
