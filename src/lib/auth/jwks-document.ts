import { z } from 'zod';

/** The fields of each key that verification uses: a Cognito JWKS trimmed to these fits in a function's environment. */
const signingKey = z.object({
  kid: z.string().min(1),
  kty: z.literal('RSA'),
  n: z.string().min(1),
  e: z.string().min(1),
  alg: z.string().optional(),
  use: z.string().optional(),
});

const jwksDocument = z.object({ keys: z.array(signingKey.loose()).min(1) });

const defaults = Object.freeze({ timeoutMs: 10_000 });

/** Fetches a JWKS over HTTPS and returns it with each key's verification fields only; throws when it is not one. */
export async function fetchJwksDocument(uri: string, options: Partial<typeof defaults> = {}): Promise<string> {
  const { timeoutMs } = { ...defaults, ...options };
  const response = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`The JWKS at ${uri} answered ${response.status}`);
  const parsed = jwksDocument.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new Error(`The document at ${uri} is not a JWKS of RSA signing keys`);
  return JSON.stringify({ keys: parsed.data.keys.map(({ kid, kty, n, e, alg, use }) => ({ kid, kty, n, e, alg, use })) });
}
