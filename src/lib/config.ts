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

const positiveInt = z.coerce.number().int().positive();

/** The environment a function reads at cold start; every value comes from serverless `params`. */
const environmentSchema = z.object({
  STAGE: z.enum(['local', 'dev', 'staging', 'prod']).default('local'),
  SERVICE_NAME: z.string().default('users-api'),
  SERVICE_VERSION: z.string().default('0.0.0'),
  CORS_ORIGINS: commaList,
  DB_SECRET_ID: z.string().min(1).default('db'),
  // Where the secret's database is, for secrets that hold only the credentials (RDS-managed ones).
  DB_HOST: z
    .string()
    .optional()
    .transform((host) => host || undefined),
  DB_PORT: positiveInt.optional(),
  DB_NAME: z
    .string()
    .optional()
    .transform((name) => name || undefined),
  DB_POOL_MAX: positiveInt.max(100).default(1),
  DB_CONNECT_TIMEOUT_MS: positiveInt.default(2000),
  DB_QUERY_TIMEOUT_MS: positiveInt.default(2500),
  // The whole database part of a request, retries included, so it answers well within 3 s.
  DB_BUDGET_MS: positiveInt.default(2800),
  // The server ends sessions idle this long (idle_session_timeout; 0: never). The client replaces a
  // connection before it gets that old, so it never sends a statement on one the server may have ended.
  DB_IDLE_SESSION_TIMEOUT_MS: z.coerce.number().int().min(0).default(0),
  DB_SSL: z.enum(['off', 'verify']).default('off'),
  // RDS Proxy (or any transaction pooler) in front of the cluster: connect there with the secret's credentials.
  DB_PROXY_HOST: z
    .string()
    .optional()
    .transform((host) => host || undefined),
  DB_PROXY_PORT: positiveInt.optional(),
  SECRETS_CACHE_TTL_MS: z.coerce.number().int().min(-1).default(300_000),
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
  return Object.freeze({
    stage: e.STAGE,
    serviceName: e.SERVICE_NAME,
    serviceVersion: e.SERVICE_VERSION,
    corsOrigins: e.CORS_ORIGINS,
    database: Object.freeze({
      secretId: e.DB_SECRET_ID,
      endpoint: Object.freeze({ host: e.DB_HOST, port: e.DB_PORT, dbname: e.DB_NAME }),
      poolMax: e.DB_POOL_MAX,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: e.DB_QUERY_TIMEOUT_MS,
      budgetMs: e.DB_BUDGET_MS,
      maxIdleMs: e.DB_IDLE_SESSION_TIMEOUT_MS ? Math.floor(e.DB_IDLE_SESSION_TIMEOUT_MS * 0.9) : undefined,
      ssl: e.DB_SSL,
      proxy: e.DB_PROXY_HOST ? Object.freeze({ host: e.DB_PROXY_HOST, port: e.DB_PROXY_PORT }) : undefined,
    }),
    secrets: Object.freeze({ cacheTtlMs: e.SECRETS_CACHE_TTL_MS }),
  });
}

export const config = loadConfig(process.env);
