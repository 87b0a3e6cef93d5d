import { JwtVerifier } from 'aws-jwt-verify';
import {
  FetchError,
  JwksNotAvailableInCacheError,
  JwtBaseError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtNotBeforeError,
  NonRetryableFetchError,
} from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type Jwks } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { AccessDeniedError, UnavailableError } from '../errors';
import type { AuthConfig } from './config';

/** Who is calling, from a verified access token. */
export interface Caller {
  /** `sub`: the user, or the app client for client-credentials tokens. */
  subject: string;
  clientId: string;
  scopes: string[];
}

/** Tokens longer than this are refused before any parsing (Cognito's are about 1 KB). */
const maxTokenLength = 8 * 1024;
/** Tokens verified lately: a client sends the same one until it expires, and an RSA check costs more than the rest of a request. */
const maxVerifiedTokens = 256;

/**
 * Fetches the JWKS with the runtime's `fetch`, bounded in time: HTTPS for Cognito, plain HTTP for
 * the local issuer on loopback (the library's own fetcher speaks HTTPS only).
 */
class BoundedFetcher implements Fetcher {
  constructor(private readonly timeoutMs: number) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(uri, { signal });
    } catch (error) {
      throw new FetchError(uri, (error as Error).message);
    }
    if (response.status !== 200) throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    // The timeout bounds the body too: a body that stalls is a failed fetch (503), not an unexpected error.
    try {
      return await response.arrayBuffer();
    } catch (error) {
      throw new FetchError(uri, (error as Error).message);
    }
  }
}

/** A JWKS handed over at deploy: "fetching" it again returns the same keys, so an unknown key is a 401, never a network call. */
class FixedJwks implements Fetcher {
  constructor(private readonly jwks: unknown) {}

  fetch(): Promise<ArrayBuffer> {
    return Promise.resolve(new TextEncoder().encode(JSON.stringify(this.jwks)).buffer as ArrayBuffer);
  }
}

function clientsOf(payload: JwtPayload): string[] {
  const audience = payload.aud === undefined ? [] : [payload.aud].flat();
  return typeof payload.client_id === 'string' ? [payload.client_id, ...audience] : audience;
}

/** What the client is told for each way a token can fail; the library's own message stays in the logs. */
function denialFor(error: JwtBaseError): AccessDeniedError {
  if (error instanceof JwtExpiredError)
    return new AccessDeniedError('The access token has expired', 'invalid_token', undefined, { cause: error });
  if (error instanceof JwtNotBeforeError)
    return new AccessDeniedError('The access token is not valid yet', 'invalid_token', undefined, { cause: error });
  if (error instanceof JwtInvalidIssuerError) {
    return new AccessDeniedError('The access token was issued by another issuer', 'invalid_token', undefined, { cause: error });
  }
  return new AccessDeniedError('The access token is not valid', 'invalid_token', undefined, { cause: error });
}

export interface TokenVerifier {
  /** The caller of a valid access token that holds `scope`; an AccessDeniedError (401, 403) or an UnavailableError (503) otherwise. */
  verify(token: string, scope: string): Promise<Caller>;
}

/**
 * Verifies access tokens with aws-jwt-verify: the signature against the issuer's JWKS (fetched
 * once per container and cached, or handed over at deploy), `alg` from the key, expiry, issuer,
 * the app client, that it is an access token, and the route's scope. One verifier per container.
 */
export function createTokenVerifier(config: AuthConfig): TokenVerifier {
  const fetcher = config.jwks ? new FixedJwks(config.jwks) : new BoundedFetcher(config.jwksTimeoutMs);
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      jwksUri: config.jwksUri,
      // Cognito access tokens carry the app client in `client_id`, not in `aud`: checked below.
      audience: null,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access') throw new AccessDeniedError('The token is not an access token', 'invalid_token');
        if (!clientsOf(payload).some((client) => config.clientIds.includes(client))) {
          throw new AccessDeniedError('The access token was issued to another client', 'invalid_token');
        }
        if (typeof payload.sub !== 'string' || !payload.sub)
          throw new AccessDeniedError('The access token names no subject', 'invalid_token');
      },
    },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  // Stryker disable next-line ConditionalExpression: the fixed fetcher would hand over the same keys on first use; this only saves that step.
  if (config.jwks) verifier.cacheJwks(config.jwks as Jwks);

  // A token's signature and claims do not change, so its verification holds until it expires; the
  // expiry is checked again on every use. Keys only change with a deploy, which starts new containers.
  const verified = new Map<string, JwtPayload>();
  const stillValid = (payload: JwtPayload | undefined) =>
    payload !== undefined && typeof payload.exp === 'number' && Date.now() < payload.exp * 1000;
  const verifySignature = async (token: string) => {
    const cached = verified.get(token);
    if (stillValid(cached)) return cached!;
    verified.delete(token);
    const payload = await verifier.verify(token);
    if (stillValid(payload)) {
      verified.set(token, payload);
      if (verified.size > maxVerifiedTokens) verified.delete(verified.keys().next().value!);
    }
    return payload;
  };

  return {
    async verify(token, scope) {
      if (token.length > maxTokenLength) throw new AccessDeniedError('The access token is not valid', 'invalid_token');
      let payload: JwtPayload;
      try {
        payload = await verifySignature(token);
      } catch (error) {
        if (error instanceof FetchError || error instanceof JwksNotAvailableInCacheError) {
          throw new UnavailableError(
            'token-keys',
            'The JWKS could not be fetched',
            'The service cannot check access tokens right now. Retry shortly.',
            1,
            {
              cause: error,
            },
          );
        }
        if (error instanceof JwtBaseError) throw denialFor(error);
        throw error;
      }
      const required = `${config.resourceServer}/${scope}`;
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
      const caller = { subject: payload.sub!, clientId: clientsOf(payload)[0]!, scopes };
      if (!scopes.includes(required)) {
        throw new AccessDeniedError(`The access token lacks the scope ${required}`, 'insufficient_scope', required);
      }
      return caller;
    },
  };
}
