/**
 * The service's name, written once: the stack and its functions (`<name>-<stage>-…`), the resource server that
 * prefixes every scope (`<name>/orders.read`), the `WWW-Authenticate` realm, and the contract's contact derive from it.
 */
export const serviceName = 'users-api';

/** The API as its contract and its docs page introduce it. */
export const api = Object.freeze({
  title: 'Users API',
  description:
    'Users of the service, on AWS Lambda. Errors are RFC 9457 problem documents. Writes accept an Idempotency-Key: a retry with the same key and body gets the first response.',
  contact: { name: `The ${serviceName} maintainers` },
  // Not open source (package.json: UNLICENSED); an SPDX reference of its own, as OpenAPI 3.1 asks for one.
  license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
});
