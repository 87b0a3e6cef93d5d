import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { serviceName } from '../api/service';
import { writePrivateJson } from './embedded-cluster';
import { listenOnLoopback } from './loopback-server';

/**
 * The local stage's token issuer: what Cognito is to an AWS stage. Its key pair is made on first
 * use in `.local/auth/`, its JWKS is served on loopback, and it signs access tokens shaped like
 * Cognito's client-credentials tokens, so one verifier serves both.
 */
export const localIssuer = `https://issuer.${serviceName}.invalid/local`;
/** The app clients of the local stage: a machine-to-machine caller and a browser frontend. */
export const localClientIds = ['local-machine', 'local-browser'] as const;
/** The resource server that prefixes the scopes: the service's name, as in Cognito. */
export const resourceServer = serviceName;
export const jwksPath = '/.well-known/jwks.json';

interface SigningKeyFile {
  kid: string;
  privateKeyPem: string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
}

export interface TokenRequest {
  /** Scope names (`orders.read`) or full scopes (`<service>/orders.read`). */
  scopes: string[];
  clientId?: string;
  /** Defaults to the client id, as in a client-credentials token. */
  subject?: string;
  expiresInSeconds?: number;
  /** Overrides of the claims, for tests of bad tokens. */
  claims?: Record<string, unknown>;
  now?: number;
}

/** The issuer's key, created on first use (RSA 2048, as Cognito's). Only the owner can read it. */
export function loadSigningKey(localDir: string): SigningKey {
  const file = path.join(localDir, 'auth', 'signing-key.json');
  // The folder stays readable by the database server's own user; only auth/ is private.
  fs.mkdirSync(localDir, { recursive: true, mode: 0o755 });
  if (!fs.existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writePrivateJson(file, {
      kid: randomUUID(),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    } satisfies SigningKeyFile);
  }
  const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as SigningKeyFile;
  return { kid: saved.kid, privateKey: createPrivateKey(saved.privateKeyPem) };
}

export function jwksOf(key: SigningKey) {
  return { keys: [{ ...createPublicKey(key.privateKey).export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' }] };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export const fullScope = (scope: string) => (scope.includes('/') ? scope : `${resourceServer}/${scope}`);

/** An RS256 JWT with the claims of a Cognito access token. */
export function signToken(key: SigningKey, request: TokenRequest, header: Record<string, unknown> = {}): string {
  const now = Math.floor((request.now ?? Date.now()) / 1000);
  const clientId = request.clientId ?? localClientIds[0];
  const payload = {
    iss: localIssuer,
    sub: request.subject ?? clientId,
    client_id: clientId,
    token_use: 'access',
    scope: request.scopes.map(fullScope).join(' '),
    auth_time: now,
    iat: now,
    exp: now + (request.expiresInSeconds ?? 3600),
    jti: randomUUID(),
    ...request.claims,
  };
  const signingInput = `${base64url({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header })}.${base64url(payload)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key.privateKey).toString('base64url')}`;
}

export interface JwksEndpoint {
  /** The JWKS document's URL. */
  jwksUri: string;
  close(): Promise<void>;
}

/** Serves the issuer's JWKS on 127.0.0.1, as Cognito serves a user pool's. */
export async function startJwksEndpoint(key: SigningKey, avoid: number[] = []): Promise<JwksEndpoint> {
  const body = JSON.stringify(jwksOf(key));
  const server = http.createServer((request, response) => {
    if (request.method === 'GET' && request.url === jwksPath) {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=3600' });
      response.end(body);
    } else {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end('{"message":"Not Found"}');
    }
  });
  const { url, close } = await listenOnLoopback(server, 0, avoid);
  return { jwksUri: `${url}${jwksPath}`, close };
}

/** The functions' environment for the local issuer. */
export function localAuthEnv(jwksUri: string): Record<string, string> {
  return {
    AUTH_ISSUER: localIssuer,
    AUTH_CLIENT_IDS: localClientIds.join(','),
    AUTH_RESOURCE_SERVER: resourceServer,
    AUTH_JWKS_URI: jwksUri,
  };
}
