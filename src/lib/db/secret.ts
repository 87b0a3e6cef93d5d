import { z } from 'zod';

/** The JSON shape of an RDS-managed database secret (Secrets Manager), also used by `.local/secrets`. */
export const dbSecretSchema = z.object({
  engine: z.string().default('postgres'),
  host: z.string().min(1),
  port: z.coerce.number().int().positive().default(5432),
  username: z.string().min(1),
  password: z.string(),
  dbname: z.string().min(1).default('postgres'),
});

export type DbSecret = z.infer<typeof dbSecretSchema>;

export function parseDbSecret(value: unknown): DbSecret {
  const parsed = dbSecretSchema.safeParse(value);
  if (!parsed.success) {
    // Name the fields only: the value itself must never reach a log or a response.
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`The database secret is missing or invalid fields: ${fields}`);
  }
  return parsed.data;
}
