import * as registered from './resources';

/** The API as its contract introduces it. */
export const api = Object.freeze({
  title: 'Users API',
  description:
    'Users of the service, on AWS Lambda. Errors are RFC 9457 problem documents. Writes accept an Idempotency-Key: a retry with the same key and body gets the first response.',
});

/**
 * The API's resources (src/api/resources.ts), by name: the functions, scopes, contract and schema
 * steps are derived from this list (resources/functions.js, src/api/contract.ts, the migrate function).
 */
export const resources = Object.freeze(Object.values(registered).sort((a, b) => a.name.localeCompare(b.name)));
