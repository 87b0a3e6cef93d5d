import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import http from 'node:http';
import { JwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError, JwtInvalidIssuerError, JwtNotBeforeError } from 'aws-jwt-verify/error';
import fc from 'fast-check';
import { jwksOf, localAuthEnv, localIssuer, signToken, type SigningKey } from '../../local/token-issuer';
import { listenOnLoopback } from '../../local/loopback-server';
import { AccessDeniedError, UnavailableError } from '../errors';
import { bearerToken } from './authenticate';
import { loadAuthConfig } from './config';
import { createTokenVerifier, type TokenVerifier } from './verifier';
import { serviceName } from '../../../test/support/names';

const newKey = (kid: string = randomUUID()): SigningKey => ({
  kid,
  privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
});
const key = newKey();
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/** A JWKS served on loopback, counting fetches. */
async function serveJwks(document: unknown) {
  let fetches = 0;
  const server = http.createServer((_request, response) => {
    fetches += 1;
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(document));
  });
  const { url, close } = await listenOnLoopback(server);
  return { uri: `${url}/.well-known/jwks.json`, fetches: () => fetches, close };
}

const inlineConfig = (env: Record<string, string> = {}) =>
  loadAuthConfig({ ...localAuthEnv(`https://issuer.${serviceName}.invalid/jwks.json`), AUTH_JWKS: JSON.stringify(jwksOf(key)), ...env });

/** What a verification ends in: the caller's subject, or the status and RFC 6750 error code. */
async function outcome(verifier: TokenVerifier, token: string, scope = 'test-contacts.read') {
  try {
    return { subject: (await verifier.verify(token, scope)).subject };
  } catch (error) {
    if (error instanceof AccessDeniedError) return { status: error.statusCode, error: error.bearerError, message: error.message };
    if (error instanceof UnavailableError) return { status: 503 };
    throw error;
  }
}

describe('createTokenVerifier', () => {
  const verifier = createTokenVerifier(inlineConfig());
  const token = (request: Partial<Parameters<typeof signToken>[1]> = {}, header = {}, signer = key) =>
    signToken(signer, { scopes: ['test-contacts.read', 'test-contacts.write'], ...request }, header);

  it('accepts a valid token and names its caller, client and scopes', async () => {
    await expect(verifier.verify(token({ subject: 'user-1', clientId: 'local-browser' }), 'test-contacts.write')).resolves.toEqual({
      subject: 'user-1',
      clientId: 'local-browser',
      scopes: [`${serviceName}/test-contacts.read`, `${serviceName}/test-contacts.write`],
    });
  });

  it('answers 403 insufficient_scope, naming the scope, for a valid token without it', async () => {
    await expect(outcome(verifier, token({ scopes: ['test-contacts.read'] }), 'test-contacts.write')).resolves.toEqual({
      status: 403,
      error: 'insufficient_scope',
      message: `The access token lacks the scope ${serviceName}/test-contacts.write`,
    });
    // A scope of another resource server with the same name is not the scope.
    await expect(outcome(verifier, token({ scopes: ['other-api/test-contacts.read'] }))).resolves.toMatchObject({ status: 403 });
    await expect(outcome(verifier, token({ scopes: [] }))).resolves.toMatchObject({ status: 403 });
  });

  it.each([
    ['expired', () => token({ now: Date.now() - 2 * 3600_000 }), 'The access token has expired'],
    ['not valid yet', () => token({ claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }), 'The access token is not valid yet'],
    [
      'from another issuer',
      () => token({ claims: { iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other' } }),
      'The access token was issued by another issuer',
    ],
    ['for another client', () => token({ clientId: 'someone-else' }), 'The access token was issued to another client'],
    [
      'for another audience',
      () => token({ claims: { client_id: undefined, aud: 'someone-else' } }),
      'The access token was issued to another client',
    ],
    ['an ID token', () => token({ claims: { token_use: 'id' } }), 'The token is not an access token'],
    ['without a subject', () => token({ claims: { sub: '' } }), 'The access token names no subject'],
    ['signed by another key with the same kid', () => token({}, {}, newKey(key.kid)), 'The access token is not valid'],
    ['signed by an unknown key', () => token({}, {}, newKey()), 'The access token is not valid'],
  ])('answers 401 invalid_token for a token %s', async (_case, make, message) => {
    await expect(outcome(verifier, make())).resolves.toEqual({ status: 401, error: 'invalid_token', message });
  });

  it('refuses alg none, and HS256 signed with the public key as its secret', async () => {
    const claims = payloadOf(token());
    const none = `${base64url({ alg: 'none', typ: 'JWT', kid: key.kid })}.${base64url(claims)}.`;
    await expect(outcome(verifier, none)).resolves.toMatchObject({ status: 401, error: 'invalid_token' });
    const input = `${base64url({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${base64url(claims)}`;
    const publicPem = createPublicKey(key.privateKey).export({ type: 'spki', format: 'pem' });
    const confused = `${input}.${createHmac('sha256', publicPem).update(input).digest('base64url')}`;
    await expect(outcome(verifier, confused)).resolves.toMatchObject({ status: 401, error: 'invalid_token' });
  });

  it('refuses a changed claim under the original signature', async () => {
    const [header, , signature] = token({ scopes: ['test-contacts.read'] }).split('.');
    const widened = {
      ...payloadOf(token({ scopes: ['test-contacts.read'] })),
      scope: `${serviceName}/test-contacts.read ${serviceName}/test-contacts.write`,
    };
    await expect(outcome(verifier, `${header}.${base64url(widened)}.${signature}`, 'test-contacts.write')).resolves.toMatchObject({
      status: 401,
    });
  });

  it('answers 401, never anything else, for any malformed token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.base64String(), fc.constant('a.b.c'), fc.constant('x'.repeat(9000))), async (garbage) => {
        const result = await outcome(verifier, garbage);
        expect(result).toMatchObject({ status: 401, error: 'invalid_token' });
      }),
      { numRuns: 200 },
    );
  });

  it('fetches the JWKS once per container, however many requests it verifies', async () => {
    const jwks = await serveJwks(jwksOf(key));
    try {
      const fetching = createTokenVerifier(loadAuthConfig(localAuthEnv(jwks.uri)));
      for (let i = 0; i < 20; i += 1)
        await expect(fetching.verify(token(), 'test-contacts.read')).resolves.toMatchObject({ subject: 'local-machine' });
      expect(jwks.fetches()).toBe(1);
    } finally {
      await jwks.close();
    }
  });

  it('answers 503, to retry, when the JWKS cannot be fetched, and 401 for an unknown key in a JWKS handed over at deploy', async () => {
    const jwks = await serveJwks({});
    const uri = jwks.uri;
    await jwks.close();
    const unreachable = createTokenVerifier(loadAuthConfig({ ...localAuthEnv(uri), AUTH_JWKS_TIMEOUT_MS: '500' }));
    await expect(outcome(unreachable, token())).resolves.toEqual({ status: 503 });
    const error = (await unreachable.verify(token(), 'test-contacts.read').catch((reason: unknown) => reason)) as UnavailableError;
    expect([error.cause503, error.message, error.detail, error.retryAfterSeconds]).toEqual([
      'token-keys',
      'The JWKS could not be fetched',
      'The service cannot check access tokens right now. Retry shortly.',
      1,
    ]);
    expect(error.cause).toBeInstanceOf(Error);
    await expect(outcome(verifier, token({}, {}, newKey()))).resolves.toMatchObject({ status: 401 });
  });

  it('keeps a verified token until it expires, checking the scope and the expiry on every use', async () => {
    const fresh = createTokenVerifier(inlineConfig());
    const started = Date.now();
    const shortLived = token({ subject: 'cached', scopes: ['test-contacts.read'], expiresInSeconds: 60 });
    await expect(outcome(fresh, shortLived)).resolves.toEqual({ subject: 'cached' });
    await expect(outcome(fresh, shortLived)).resolves.toEqual({ subject: 'cached' });
    await expect(outcome(fresh, shortLived, 'test-contacts.write')).resolves.toMatchObject({ status: 403, error: 'insufficient_scope' });
    // A changed signature is another token: it is verified, not served from the cache.
    const [header, payload] = shortLived.split('.');
    await expect(outcome(fresh, `${header}.${payload}.${'A'.repeat(342)}`)).resolves.toMatchObject({ status: 401 });
    const now = jest.spyOn(Date, 'now').mockReturnValue(started + 61_000);
    try {
      await expect(outcome(fresh, shortLived)).resolves.toEqual({
        status: 401,
        error: 'invalid_token',
        message: 'The access token has expired',
      });
    } finally {
      now.mockRestore();
    }
  });

  it('verifies a token once while it is valid, again once it has expired, and keeps at most 256', async () => {
    const fresh = createTokenVerifier(inlineConfig());
    const verifications = jest.spyOn(JwtVerifier.prototype, 'verify');
    try {
      const first = token({ subject: 'first', expiresInSeconds: 60 });
      for (let i = 0; i < 3; i += 1) await expect(outcome(fresh, first)).resolves.toEqual({ subject: 'first' });
      expect(verifications).toHaveBeenCalledTimes(1);
      const others = Array.from({ length: 256 }, (_, i) => token({ subject: `other-${i}` }));
      for (const other of others) await fresh.verify(other, 'test-contacts.read');
      expect(verifications).toHaveBeenCalledTimes(257);
      // The oldest made room for the newest: verified again; the most recent are still kept.
      await fresh.verify(others.at(-1)!, 'test-contacts.read');
      expect(verifications).toHaveBeenCalledTimes(257);
      await fresh.verify(first, 'test-contacts.read');
      expect(verifications).toHaveBeenCalledTimes(258);
      const now = jest.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000);
      await expect(outcome(fresh, first)).resolves.toMatchObject({ status: 401, message: 'The access token has expired' });
      now.mockRestore();
      expect(verifications).toHaveBeenCalledTimes(259);
      // A token without an expiry is never kept.
      const endless = token({ subject: 'endless', claims: { exp: undefined } });
      await outcome(fresh, endless);
      await outcome(fresh, endless);
      expect(verifications).toHaveBeenCalledTimes(261);
    } finally {
      verifications.mockRestore();
    }
  });

  it('refuses a token longer than 8 KiB without verifying it', async () => {
    const verifications = jest.spyOn(JwtVerifier.prototype, 'verify');
    try {
      const padded = (length: number) => `${'a'.repeat(length - 4)}.b.c`;
      await expect(outcome(verifier, padded(8 * 1024 + 1))).resolves.toEqual({
        status: 401,
        error: 'invalid_token',
        message: 'The access token is not valid',
      });
      expect(verifications).not.toHaveBeenCalled();
      await expect(outcome(verifier, padded(8 * 1024))).resolves.toMatchObject({ status: 401 });
      expect(verifications).toHaveBeenCalledTimes(1);
    } finally {
      verifications.mockRestore();
    }
  });

  it('takes the client from client_id or from any audience, and needs one of its own', async () => {
    const claims = (extra: Record<string, unknown>) => token({ claims: { client_id: undefined, ...extra } });
    await expect(outcome(verifier, claims({ aud: 'local-browser' }))).resolves.toEqual({ subject: 'local-machine' });
    await expect(outcome(verifier, claims({ aud: ['other', 'local-browser'] }))).resolves.toEqual({ subject: 'local-machine' });
    await expect(verifier.verify(claims({ aud: ['local-browser', 'other'] }), 'test-contacts.read')).resolves.toMatchObject({
      clientId: 'local-browser',
    });
    await expect(outcome(verifier, token({ claims: { aud: ['other'] } }))).resolves.toEqual({ subject: 'local-machine' });
    const denied = { status: 401, error: 'invalid_token', message: 'The access token was issued to another client' };
    await expect(outcome(verifier, claims({ aud: ['other'] }))).resolves.toEqual(denied);
    await expect(outcome(verifier, claims({}))).resolves.toEqual(denied);
    await expect(outcome(verifier, token({ claims: { client_id: 42, aud: 'local-machine' } }))).resolves.toEqual({
      subject: 'local-machine',
    });
  });

  it('needs a subject, and holds no scope without a scope claim', async () => {
    await expect(outcome(verifier, token({ subject: '' }))).resolves.toEqual({
      status: 401,
      error: 'invalid_token',
      message: 'The access token names no subject',
    });
    // The library refuses a subject that is not text before our check sees it.
    await expect(outcome(verifier, token({ claims: { sub: 7 } }))).resolves.toMatchObject({ status: 401, error: 'invalid_token' });
    await expect(outcome(verifier, token({ claims: { scope: [`${serviceName}/test-contacts.read`] } }))).resolves.toMatchObject({
      status: 401,
    });
    await expect(outcome(verifier, token({ claims: { scope: undefined } }))).resolves.toMatchObject({
      status: 403,
      error: 'insufficient_scope',
    });
    await expect(
      verifier.verify(
        token({ claims: { scope: ` ${serviceName}/test-contacts.read  ${serviceName}/test-contacts.write ` } }),
        'test-contacts.read',
      ),
    ).resolves.toMatchObject({
      scopes: [`${serviceName}/test-contacts.read`, `${serviceName}/test-contacts.write`],
    });
  });

  it("keeps the library's own error as the cause of each refusal", async () => {
    const causeOf = async (bad: string) =>
      (await verifier.verify(bad, 'test-contacts.read').catch((error: unknown) => error)) as AccessDeniedError;
    expect((await causeOf(token({ now: Date.now() - 2 * 3600_000 }))).cause).toBeInstanceOf(JwtExpiredError);
    expect((await causeOf(token({ claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } }))).cause).toBeInstanceOf(JwtNotBeforeError);
    expect((await causeOf(token({ claims: { iss: 'https://elsewhere.example.com' } }))).cause).toBeInstanceOf(JwtInvalidIssuerError);
    expect((await causeOf(`${token().slice(0, -4)}AAAA`)).cause).toBeDefined();
  });

  it('issues local tokens as Cognito shapes them', () => {
    expect(payloadOf(token())).toMatchObject({
      iss: localIssuer,
      sub: 'local-machine',
      client_id: 'local-machine',
      token_use: 'access',
      scope: `${serviceName}/test-contacts.read ${serviceName}/test-contacts.write`,
    });
  });
});

describe('a JWKS endpoint that fails', () => {
  const token = () => signToken(key, { scopes: ['test-contacts.read'] });

  it.each([
    ['answers 500', (response: http.ServerResponse) => response.writeHead(500).end('{"keys":[]}')],
    ['never answers', () => undefined],
    // Headers in time, then a body that stalls past the timeout.
    ['stops in the middle of its body', (response: http.ServerResponse) => response.writeHead(200).write('{"keys":[')],
  ])('answers 503 within the timeout when it %s', async (_case, answer) => {
    const server = http.createServer((_request, response) => answer(response));
    const { url, close } = await listenOnLoopback(server);
    try {
      const verifier = createTokenVerifier(loadAuthConfig({ ...localAuthEnv(`${url}/jwks.json`), AUTH_JWKS_TIMEOUT_MS: '300' }));
      const started = Date.now();
      await expect(outcome(verifier, token())).resolves.toEqual({ status: 503 });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      server.closeAllConnections();
      await close();
    }
  });
});

describe('loadAuthConfig', () => {
  it('requires an issuer, at least one client, the resource server and a JWKS URI, naming the variables only', () => {
    expect(() => loadAuthConfig({})).toThrow(
      'Invalid authentication configuration: AUTH_ISSUER, AUTH_CLIENT_IDS, AUTH_RESOURCE_SERVER, AUTH_JWKS_URI',
    );
  });

  it('takes plain HTTP only from loopback, and an inline JWKS only when it is JSON', () => {
    expect(() => loadAuthConfig(localAuthEnv('http://issuer.example.com/jwks.json'))).toThrow('AUTH_JWKS_URI');
    expect(loadAuthConfig(localAuthEnv('http://127.0.0.1:9/jwks.json')).jwksUri).toBe('http://127.0.0.1:9/jwks.json');
    expect(() => inlineConfig({ AUTH_JWKS: '{not json' })).toThrow('AUTH_JWKS');
    expect(inlineConfig()).toMatchObject({
      clientIds: ['local-machine', 'local-browser'],
      resourceServer: serviceName,
      jwksTimeoutMs: 1500,
    });
  });
});

describe('bearerToken', () => {
  const statusOf = (authorization?: string) => {
    try {
      return bearerToken(authorization === undefined ? {} : { authorization });
    } catch (error) {
      return `${(error as AccessDeniedError).statusCode} ${(error as AccessDeniedError).bearerError ?? 'no error code'}`;
    }
  };

  it('reads the token of a Bearer header, the scheme in any case', () => {
    expect(statusOf('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(statusOf('bearer   abc.def.ghi ')).toBe('abc.def.ghi');
    expect(statusOf(' BEARER abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('says what a client must send, and never reads a token from another scheme', () => {
    const message = (headers: { authorization?: string } | undefined) => {
      try {
        return bearerToken(headers);
      } catch (error) {
        return (error as AccessDeniedError).message;
      }
    };
    const required = 'An access token is required: Authorization: Bearer <token>';
    expect(
      [undefined, {}, { authorization: 'Basic abc' }, { authorization: 'xBearer abc' }, { authorization: 'Bearerx abc' }].map(message),
    ).toEqual([required, required, required, required, required]);
    expect(message({ authorization: 'Bearer a b' })).toBe('The access token is not valid');
  });

  it('asks for a token, with no error code, when the request has none (RFC 6750 section 3.1)', () => {
    expect(statusOf()).toBe('401 no error code');
    expect(statusOf('')).toBe('401 no error code');
    expect(statusOf('Basic dXNlcjpwYXNz')).toBe('401 no error code');
  });

  it('answers invalid_token for a Bearer header without one token', () => {
    expect(statusOf('Bearer')).toBe('401 invalid_token');
    expect(statusOf('Bearer a b')).toBe('401 invalid_token');
  });
});
