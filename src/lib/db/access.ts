import type middy from '@middy/core';
import secretsManager from '@middy/secrets-manager';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { clearCache, getCache } from '@middy/util';
import type { Context } from 'aws-lambda';
import { config } from '../config';
import { DatabaseUnavailableError } from '../errors';
import { logger } from '../logger';
import { databaseFor, type Database } from './database';
import { parseDbSecret } from './secret';

const cacheKey = 'db-secret';

/** Where the local stage serves `.local/secrets/*.json`: the same SDK path, another endpoint. */
function clientOptions() {
  if (!config.secrets.endpoint) return {};
  return {
    endpoint: config.secrets.endpoint,
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}

export interface DatabaseContext extends Context {
  dbSecret?: unknown;
}

/**
 * Fetches the database secret through @middy/secrets-manager: prefetched at cold start, cached
 * for the stage's expiry (`SECRETS_CACHE_TTL_MS`, -1 for ever), and handed over on the context.
 * A failed fetch is a 503, not a 500.
 */
export function databaseSecret(): middy.MiddlewareObj<unknown, unknown, Error, DatabaseContext> {
  const ttlMs = config.secrets.cacheTtlMs;
  // middy's own expiry refreshes on a timer whose failure nobody awaits (an unhandled rejection
  // ends a Lambda container) and which fires late after a freeze. So middy caches forever and
  // the expiry is checked here, on the request path.
  const secrets = secretsManager({
    AwsClient: SecretsManagerClient,
    awsClientOptions: clientOptions(),
    fetchData: { dbSecret: config.database.secretId },
    cacheKey,
    cacheExpiry: -1,
    setToContext: true,
  });
  let fetchedAt = Date.now();
  // The prefetch runs before any request awaits it; a failure is reported by the request instead.
  (getCache(cacheKey).value as { dbSecret?: Promise<unknown> } | undefined)?.dbSecret?.catch(() => undefined);
  return {
    before: async (request) => {
      const started = performance.now();
      const expired = ttlMs >= 0 && Date.now() - fetchedAt >= ttlMs;
      if (expired) {
        clearCache([cacheKey]);
        fetchedAt = Date.now();
      }
      try {
        await secrets.before!(request as never);
      } catch (error) {
        logger.error('database secret could not be fetched', error as Error);
        throw new DatabaseUnavailableError('The database secret could not be fetched', 1, { cause: error });
      }
      if (expired) logger.info('database secret refreshed', { durationMs: Math.round(performance.now() - started) });
    },
  };
}

const parsedSecrets = new WeakMap<object, ReturnType<typeof parseDbSecret>>();

/** The container's database for the secret on this invocation's context. */
export function databaseFrom(context: DatabaseContext): Database {
  const raw = context.dbSecret;
  if (!raw || typeof raw !== 'object') throw new Error('This route was composed without database access');
  let secret = parsedSecrets.get(raw);
  if (!secret) {
    secret = parseDbSecret(raw);
    parsedSecrets.set(raw, secret);
  }
  return databaseFor(secret);
}
