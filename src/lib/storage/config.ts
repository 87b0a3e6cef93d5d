import * as z from 'zod/mini';
import { optionalText, parseEnvironment, text, wholeNumber } from '../environment';

/** The storage engines a stage can run on (`params.dbEngine`). */
export const engineNames = ['postgres', 'documentdb'] as const;
export type EngineName = (typeof engineNames)[number];

/** Which engine, and where its credentials are: what every database function reads, whatever the engine. */
const storageEnvironmentSchema = z.object({
  DB_ENGINE: z._default(z.enum(engineNames), 'postgres'),
  DB_SECRET_ID: z._default(text(), 'db'),
  // Where the secret's database is, for secrets that hold only the credentials (RDS-managed ones).
  DB_HOST: optionalText,
  DB_PORT: z.optional(wholeNumber()),
  DB_NAME: optionalText,
  SECRETS_CACHE_TTL_MS: z._default(wholeNumber({ min: -1 }), 300_000),
  // Each of the two attempts at a secret fetch; Secrets Manager answers in tens of milliseconds.
  SECRETS_TIMEOUT_MS: z._default(wholeNumber(), 1000),
});

export type StorageConfig = ReturnType<typeof loadStorageConfig>;

export function loadStorageConfig(env: NodeJS.ProcessEnv) {
  const e = parseEnvironment(storageEnvironmentSchema, env, 'storage configuration');
  return Object.freeze({
    engine: e.DB_ENGINE,
    secretId: e.DB_SECRET_ID,
    endpoint: Object.freeze({ host: e.DB_HOST, port: e.DB_PORT, dbname: e.DB_NAME }),
    secretsCacheTtlMs: e.SECRETS_CACHE_TTL_MS,
    secretsTimeoutMs: e.SECRETS_TIMEOUT_MS,
  });
}

export const storageConfig = loadStorageConfig(process.env);
