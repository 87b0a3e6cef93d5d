import * as z from 'zod/mini';
import { optionalText, parseEnvironment, wholeNumber } from '../environment';

/** The PostgreSQL engine's settings; a DocumentDB stage's functions carry none of them. */
const postgresEnvironmentSchema = z.object({
  DB_POOL_MAX: z._default(wholeNumber({ max: 100 }), 1),
  DB_CONNECT_TIMEOUT_MS: z._default(wholeNumber(), 2000),
  DB_QUERY_TIMEOUT_MS: z._default(wholeNumber(), 2500),
  // The whole database part of a request, retries included, so it answers well within 3 s.
  DB_BUDGET_MS: z._default(wholeNumber(), 2800),
  // The server ends sessions idle this long (idle_session_timeout; 0: never). The client replaces a
  // connection before it gets that old, so it never sends a statement on one the server may have ended.
  DB_IDLE_SESSION_TIMEOUT_MS: z._default(wholeNumber({ min: 0 }), 0),
  DB_SSL: z._default(z.enum(['off', 'verify']), 'off'),
  // RDS Proxy (or any transaction pooler) in front of the cluster: connect there with the secret's credentials.
  DB_PROXY_HOST: optionalText,
  DB_PROXY_PORT: z.optional(wholeNumber()),
});

export type PostgresConfig = ReturnType<typeof loadPostgresConfig>;

export function loadPostgresConfig(env: NodeJS.ProcessEnv) {
  const e = parseEnvironment(postgresEnvironmentSchema, env, 'PostgreSQL configuration');
  return Object.freeze({
    poolMax: e.DB_POOL_MAX,
    connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: e.DB_QUERY_TIMEOUT_MS,
    budgetMs: e.DB_BUDGET_MS,
    maxIdleMs: e.DB_IDLE_SESSION_TIMEOUT_MS ? Math.floor(e.DB_IDLE_SESSION_TIMEOUT_MS * 0.9) : undefined,
    ssl: e.DB_SSL,
    proxy: e.DB_PROXY_HOST ? Object.freeze({ host: e.DB_PROXY_HOST, port: e.DB_PROXY_PORT }) : undefined,
  });
}

export const postgresConfig = loadPostgresConfig(process.env);
