import type middy from '@middy/core';
import secretsManager from '@middy/secrets-manager';
import { middySecretsClient } from '../secrets-manager';
import { clearCache, getCache } from '@middy/util';
import type { Context } from 'aws-lambda';
import { boundedRequests } from '../aws-requests';
import { DatabaseUnavailableError } from '../errors';
import { logger } from '../logger';
import { count, metricNames } from '../metrics';
import { traced } from '../tracing';
import { storageConfig } from './config';
import type { StorageConnection, StorageEngine } from './engine';
import { parseDbSecret, type DbSecret, type SecretSource } from './secret';

// Stryker disable next-line StringLiteral: any name serves, as long as the fetch and the clearing use the same one.
const cacheKey = 'db-secret';
const staleRetryMs = 10_000;

export interface DatabaseContext extends Context {
  /** Where @middy/secrets-manager puts a fetched secret, for the source to take and remove. */
  dbSecret?: unknown;
  /** The container's connection to the stage's database, for the handler's services. */
  storage?: StorageConnection;
  /** Where that connection's credentials come from, for a function that opens its own (migrations). */
  databaseSecrets?: SecretSource;
}

type Request = middy.Request<unknown, unknown, Error, DatabaseContext>;

/**
 * The database secret, fetched through @middy/secrets-manager: prefetched at cold start, cached
 * for the stage's expiry (`SECRETS_CACHE_TTL_MS`, -1 for ever), refetched at once when the
 * database rejects it. Only reasons, durations and counts are logged, never the value.
 */
class MiddySecretSource implements SecretSource {
  // middy's own expiry refreshes on a timer whose failure nobody awaits (an unhandled rejection
  // ends a Lambda container) and which fires late after a freeze. So middy caches forever and
  // the expiry is checked here, on the request path.
  private readonly middleware = secretsManager({
    AwsClient: middySecretsClient,
    awsClientOptions: boundedRequests(storageConfig.secretsTimeoutMs),
    fetchData: { dbSecret: storageConfig.secretId },
    cacheKey,
    cacheExpiry: -1,
    setToContext: true,
  });
  private fetchedAt = Date.now();
  /** Why the next load fetches, and since when: for the lifecycle log. */
  private pending?: { reason: string; since: number } = { reason: 'cold start', since: performance.now() };
  private raw: unknown;
  /** Until when a secret whose refresh failed is still served (0: not since the last fetch). */
  private staleUntil = 0;
  private parsed?: DbSecret;
  private refreshing?: Promise<DbSecret>;
  fetches = 1;

  constructor(
    private readonly ttlMs: number,
    private readonly engine: StorageEngine,
  ) {
    // The prefetch runs before any request awaits it; a failure is reported by the request instead.
    (getCache(cacheKey).value as { dbSecret?: Promise<unknown> } | undefined)?.dbSecret?.catch(() => undefined);
  }

  /** Fetches the secret through middy when there is a reason to (cold start, expiry, rejection), for `current()`. */
  async load(request: Request): Promise<void> {
    if (Date.now() < this.staleUntil) return;
    if (this.ttlMs >= 0 && Date.now() - this.fetchedAt >= this.ttlMs) this.forget('expired');
    // Nothing to fetch (every reason to is `pending`): the value middy's cache would give is the one parsed here.
    // Stryker disable next-line ConditionalExpression: a shortcut; without it middy's cache answers the same value, more slowly.
    if (!this.pending && this.parsed) return;
    try {
      const fetch = () => Promise.resolve(this.middleware.before!(request as never));
      // Traced when it goes to Secrets Manager (cold start, expiry, rejection), not when middy's cache answers.
      // Stryker disable next-line StringLiteral: the subsegment's name, which only X-Ray shows.
      await (this.pending ? traced('Secrets Manager: database secret', fetch) : fetch());
    } catch (error) {
      // A scheduled refresh that fails keeps the credentials the database still accepts; it is
      // tried again after a pause rather than on every request.
      if (this.parsed && this.pending?.reason === 'expired') {
        logger.warn('database secret refresh failed; keeping the cached secret', { error: (error as Error).message });
        this.staleUntil = Date.now() + staleRetryMs;
        return;
      }
      logger.error('database secret could not be fetched', error as Error);
      throw new DatabaseUnavailableError('The database secret could not be fetched', 1, { cause: error });
    }
    this.staleUntil = 0;
    const fetched = request.context.dbSecret;
    // Kept here, not on the request: handlers reach the database through the connection.
    delete request.context.dbSecret;
    try {
      this.remember(fetched);
    } catch (error) {
      // A secret of the wrong shape is an operator's error; the client still gets a 503 to retry.
      logger.error('database secret is not usable', { error: (error as Error).message });
      throw new DatabaseUnavailableError('The database secret is not usable', 1, { cause: error });
    }
    if (this.pending) {
      count(metricNames.secretFetch);
      logger.info('database secret fetched', {
        reason: this.pending.reason,
        durationMs: Math.round(performance.now() - this.pending.since),
        fetches: this.fetches,
      });
      this.pending = undefined;
    }
  }

  current(): DbSecret {
    if (!this.parsed) throw new Error('The database secret was read before it was loaded');
    return this.parsed;
  }

  /** Concurrent callers share one fetch. */
  refresh(): Promise<DbSecret> {
    this.refreshing ??= (async () => {
      this.forget('rejected by the database');
      this.staleUntil = 0;
      const scratch = { event: {}, context: {}, internal: {} } as unknown as Request;
      await this.load(scratch);
      return this.current();
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private forget(reason: string) {
    clearCache([cacheKey]);
    this.fetchedAt = Date.now();
    this.fetches += 1;
    this.pending = { reason, since: performance.now() };
  }

  private remember(raw: unknown) {
    if (raw === this.raw && this.parsed) return;
    // A managed secret holds only the credentials; the stage names the cluster, the engine its port.
    const endpoint = Object.fromEntries(Object.entries(storageConfig.endpoint).filter(([, value]) => value !== undefined));
    this.parsed = parseDbSecret(raw, { ...this.engine.secretDefaults, ...endpoint });
    this.raw = raw;
  }
}

let source: MiddySecretSource | undefined;
let connection: StorageConnection | undefined;

/**
 * Database access for a route or a function: the secret reaches the context through middleware,
 * and the handler gets the container's connection to the stage's engine (chosen by the caller:
 * `selectedEngine()`), which reconnects, refetches and retries as its rules allow. A failed secret
 * fetch is a 503, not a 500.
 */
export function databaseAccess(engine: StorageEngine): middy.MiddlewareObj<unknown, unknown, Error, DatabaseContext> {
  source ??= new MiddySecretSource(storageConfig.secretsCacheTtlMs, engine);
  const secrets = source;
  connection ??= engine.connect(secrets);
  const storage = connection;
  return {
    before: async (request) => {
      await secrets.load(request);
      request.context.storage = storage;
      request.context.databaseSecrets = secrets;
    },
  };
}

/** Closes the container's connection, for tests and tools that end their process: Lambda freezes a container instead. */
export async function closeStorage(): Promise<void> {
  await connection?.close?.();
}

export function storageFrom(context: DatabaseContext): StorageConnection {
  if (!context.storage) throw new Error('This function was composed without database access');
  return context.storage;
}

export function databaseSecretsFrom(context: DatabaseContext): SecretSource {
  if (!context.databaseSecrets) throw new Error('This function was composed without database access');
  return context.databaseSecrets;
}
