import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { AccessDeniedError } from '../errors';
import { logger } from '../logger';
import { loadAuthConfig } from './config';
import { createTokenVerifier, type Caller, type TokenVerifier } from './verifier';

export type { Caller } from './verifier';

export interface AuthContext extends Context {
  /** The verified caller, for the handler. */
  caller?: Caller;
}

/** One verifier per container, so the JWKS is fetched once and cached. */
let verifier: TokenVerifier | undefined;

/** The token of an `Authorization: Bearer <token>` header (the scheme in any case, RFC 9110). */
export function bearerToken(headers: APIGatewayProxyEventV2['headers'] | undefined): string {
  const header = headers?.authorization;
  if (!header) throw new AccessDeniedError('An access token is required: Authorization: Bearer <token>');
  const match = /^bearer(?: +(.*))?$/i.exec(header.trim());
  if (!match) throw new AccessDeniedError('An access token is required: Authorization: Bearer <token>');
  // The header is trimmed and ` +` takes every space before the token: what is left is the token.
  const token = match[1];
  if (!token || /\s/.test(token)) throw new AccessDeniedError('The access token is not valid', 'invalid_token');
  return token;
}

/**
 * Lets a request through only with a valid access token holding `scope`: 401 or 403 (RFC 6750)
 * otherwise, before the body is read. The caller is put on the context and on every log line of
 * the request; the token itself is never logged. The authentication settings are read when the
 * route is built, so a misconfigured function fails at cold start.
 */
export function authenticate<C extends AuthContext>({
  scope,
}: {
  /** As the resource server names it, without its prefix: `<resource>.read`. */
  scope: string;
}): middy.MiddlewareObj<APIGatewayProxyEventV2, unknown, Error, C> {
  // Made at cold start (the keys handed over at deploy are parsed then), not on the request path.
  verifier ??= createTokenVerifier(loadAuthConfig(process.env));
  const tokens = verifier;
  return {
    before: async ({ event, context }) => {
      const caller = await tokens.verify(bearerToken(event.headers), scope);
      context.caller = caller;
      logger.appendKeys({ caller: { subject: caller.subject, clientId: caller.clientId, scopes: caller.scopes } });
    },
  };
}
