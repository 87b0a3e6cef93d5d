import * as z from 'zod/mini';
import { refusedFields, text, wholeNumber } from '../environment';

/**
 * The JSON shape of a database secret: an RDS- or DocumentDB-managed one (Secrets Manager, which
 * holds only the credentials; the stage names the endpoint) or a `.local/secrets` file.
 */
export const dbSecretSchema = z.object({
  engine: z.optional(z.string()),
  host: text(),
  port: wholeNumber(),
  username: text(),
  password: z.string(),
  dbname: text(),
});

export type DbSecret = z.infer<typeof dbSecretSchema>;

/** The secret, its missing fields taken from `defaults` (the stage's endpoint, the engine's port). */
export function parseDbSecret(value: unknown, defaults: Partial<DbSecret> = {}): DbSecret {
  const parsed = dbSecretSchema.safeParse({ ...defaults, ...(value as object) });
  // The fields only: the value itself must never reach a log or a response.
  if (!parsed.success) throw new Error(`The database secret is missing or invalid fields: ${refusedFields(parsed.error)}`);
  return parsed.data;
}

/** Where the credentials come from: the cached secret, and a forced fetch after a rejection. */
export interface SecretSource {
  current(): DbSecret;
  refresh(): Promise<DbSecret>;
}

/** Credentials that never change: for tools and tests that connect with a known secret. */
export function fixedSecret(secret: DbSecret): SecretSource {
  return { current: () => secret, refresh: async () => secret };
}
