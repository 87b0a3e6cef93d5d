import * as z from 'zod/mini';
import { text } from '../environment';

/** The fields of each key that verification uses: a Cognito JWKS trimmed to these fits in a function's environment. */
const signingKey = z.looseObject({
  kid: text(),
  kty: z.literal('RSA'),
  n: text(),
  e: text(),
  alg: z.optional(z.string()),
  use: z.optional(z.string()),
});

const jwksDocument = z.object({ keys: z.array(signingKey).check(z.minLength(1)) });

const defaults: Readonly<{ timeoutMs: number }> = Object.freeze({ timeoutMs: 10_000 });

/** Fetches a JWKS over HTTPS and returns it with each key's verification fields only; throws when it is not one. */
export async function fetchJwksDocument(uri: string, options: Partial<typeof defaults> = {}): Promise<string> {
  const { timeoutMs } = { ...defaults, ...options };
  const response = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`The JWKS at ${uri} answered ${response.status}`);
  const parsed = jwksDocument.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new Error(`The document at ${uri} is not a JWKS of RSA signing keys`);
  return JSON.stringify({ keys: parsed.data.keys.map(({ kid, kty, n, e, alg, use }) => ({ kid, kty, n, e, alg, use })) });
}
