import type middy from '@middy/core';
import secretsManager from '@middy/secrets-manager';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { getCache } from '@middy/util';
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
 * for the stage's expiry, and handed over on the context. A failed fetch is a 503, not a 500.
 */
export function databaseSecret(): middy.MiddlewareObj<unknown, unknown, Error, DatabaseContext> {
  const secrets = secretsManager({
    AwsClient: SecretsManagerClient,
    awsClientOptions: clientOptions(),
    fetchData: { dbSecret: config.database.secretId },
    cacheKey,
    cacheExpiry: config.secrets.cacheTtlMs,
    setToContext: true,
  });
  // The prefetch runs before any request awaits it; a failure is reported by the request, not as an unhandled rejection.
  (getCache(cacheKey).value as { dbSecret?: Promise<unknown> } | undefined)?.dbSecret?.catch(() => undefined);
  return {
    before: async (request) => {
      const started = performance.now();
      try {
        await secrets.before!(request as never);
      } catch (error) {
        logger.error('database secret could not be fetched', error as Error);
        throw new DatabaseUnavailableError('The database secret could not be fetched', 1, { cause: error });
      }
      const elapsed = performance.now() - started;
      if (elapsed > 1) logger.info('database secret fetched', { durationMs: Math.round(elapsed) });
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
