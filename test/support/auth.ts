import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { jwksOf, localAuthEnv, signToken, type SigningKey, type TokenRequest } from '../../src/local/token-issuer';
import { serviceName } from './names';

const slot = Symbol.for(`${serviceName}.test-signing-key`);

/** The tests' issuer key: one per test process, shaped as the local issuer's. */
export function testSigningKey(): SigningKey {
  const global = globalThis as { [slot]?: SigningKey };
  global[slot] ??= { kid: randomUUID(), privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
  return global[slot];
}

/** Every resource's scopes: read when a token is made, so that the tests' setup (./env.ts) loads no resource. */
export function allScopes(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { resources } = require('../../src/api/registry') as typeof import('../../src/api/registry');
  return resources.flatMap((resource) => Object.keys(resource.scopeNames));
}

/** An access token of the tests' issuer: every scope unless told otherwise. */
export function testToken(request: Partial<TokenRequest> = {}, header: Record<string, unknown> = {}): string {
  return signToken(testSigningKey(), { scopes: allScopes(), ...request }, header);
}

/** The functions' environment for the tests' issuer, its JWKS handed over inline as a deploy hands Cognito's. */
export function testAuthEnv(): Record<string, string> {
  return {
    ...localAuthEnv(`https://issuer.${serviceName}.invalid/.well-known/jwks.json`),
    AUTH_JWKS: JSON.stringify(jwksOf(testSigningKey())),
  };
}
