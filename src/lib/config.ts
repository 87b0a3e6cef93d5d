import { z } from 'zod';

export const commaList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

export const positiveInt = z.coerce.number().int().positive();

/** Strings that may be set to '' in serverless.yml to mean "not set". */
export const optionalText = z
  .string()
  .optional()
  .transform((value) => value || undefined);

/** The service's own environment, read at cold start; every value comes from serverless `params`. */
const environmentSchema = z.object({
  STAGE: z.enum(['local', 'dev', 'staging', 'prod']).default('local'),
  SERVICE_NAME: z.string().default('users-api'),
  SERVICE_VERSION: z.string().default('0.0.0'),
  CORS_ORIGINS: commaList,
});

export type Config = ReturnType<typeof loadConfig>;

/** Parses a function's environment; an error names the offending variables, never their values. */
export function parseEnvironment<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, what: string): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
    throw new Error(`Invalid ${what}: ${fields}`);
  }
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv) {
  const e = parseEnvironment(environmentSchema, env, 'function configuration');
  return Object.freeze({ stage: e.STAGE, serviceName: e.SERVICE_NAME, serviceVersion: e.SERVICE_VERSION, corsOrigins: e.CORS_ORIGINS });
}

export const config = loadConfig(process.env);
