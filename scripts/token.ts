/**
 * Prints an access token of the local stage's issuer (`.local/auth/`), for curl:
 *   npm run token -- --scope orders.read,orders.write [--client local-machine] [--subject id] [--expires-in 3600]
 * With no --scope, the token holds every resource's scopes.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resources } from '../src/api/registry';
import { localClientIds, loadSigningKey, signToken } from '../src/local/token-issuer';

const { values } = parseArgs({
  options: {
    scope: { type: 'string', default: resources.flatMap((resource) => Object.keys(resource.scopeNames)).join(',') },
    client: { type: 'string', default: localClientIds[0] },
    subject: { type: 'string' },
    'expires-in': { type: 'string', default: '3600' },
  },
});

const expiresInSeconds = Number(values['expires-in']);
if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0) {
  console.error('--expires-in must be a positive number of seconds');
  process.exit(2);
}
const localDir = path.resolve(process.env.LOCAL_STACK_DIR || '.local');
const scopes = values.scope
  .split(',')
  .map((scope) => scope.trim())
  .filter(Boolean);
console.log(signToken(loadSigningKey(localDir), { scopes, clientId: values.client, subject: values.subject, expiresInSeconds }));
