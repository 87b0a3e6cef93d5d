import * as z from 'zod/mini';
import { commaList, parseEnvironment, text, wholeNumber } from '../environment';

const loopbackHost = /^(127\.0\.0\.1|localhost|\[::1\])$/;

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * Who issues the access tokens the API accepts. Only these differ by stage: Cognito's user pool
 * in AWS, the local issuer under `sls offline`.
 */
const authEnvironmentSchema = z.object({
  AUTH_ISSUER: text(),
  // The app clients whose tokens are accepted (Cognito access tokens name theirs in `client_id`).
  AUTH_CLIENT_IDS: z.pipe(commaList, z.array(z.string()).check(z.minLength(1))),
  // Scopes are `<resource server>/<name>` (`orders-api/orders.read`): the service's name.
  AUTH_RESOURCE_SERVER: text(),
  // HTTPS, or plain HTTP to the local issuer on loopback.
  AUTH_JWKS_URI: z
    .url({ protocol: /^https?$/ })
    .check(z.refine((uri) => uri.startsWith('https:') || loopbackHost.test(new URL(uri).hostname))),
  // The issuer's JWKS itself, when the deploy hands it over: then no container fetches it.
  AUTH_JWKS: z.optional(
    z.pipe(
      z.string().check(z.refine(isJson)),
      z.transform((json) => JSON.parse(json) as unknown),
    ),
  ),
  AUTH_JWKS_TIMEOUT_MS: z._default(wholeNumber(), 1500),
});

export type AuthConfig = ReturnType<typeof loadAuthConfig>;

export function loadAuthConfig(env: NodeJS.ProcessEnv) {
  const e = parseEnvironment(authEnvironmentSchema, env, 'authentication configuration');
  return Object.freeze({
    issuer: e.AUTH_ISSUER,
    clientIds: Object.freeze(e.AUTH_CLIENT_IDS),
    resourceServer: e.AUTH_RESOURCE_SERVER,
    jwksUri: e.AUTH_JWKS_URI,
    jwks: e.AUTH_JWKS,
    jwksTimeoutMs: e.AUTH_JWKS_TIMEOUT_MS,
  });
}
