import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { config } from '../config';
import { postgresConfig } from './config';
import { logger } from '../logger';
import { fullJitter } from '../backoff';
import { count, metricNames, milliseconds } from '../metrics';
import { traced } from '../tracing';
import { connectionConfig, type ConnectionOptions } from './connection';
import { failureKind, translateDatabaseError } from './errors';
import type { DbSecret, SecretSource } from '../storage/secret';

export interface DatabaseOptions extends ConnectionOptions {
  poolMax: number;
  queryTimeoutMs: number;
  /** Time for one operation, retries included; no attempt starts, or runs, past it. */
  budgetMs: number;
  /** A pooled connection idle longer than this is replaced before use (the server ends idle sessions). */
  maxIdleMs?: number;
}

export interface RetryPolicy {
  /** Attempts to open a connection while the server is out of connection slots. */
  capacityAttempts: number;
  /** Full-jitter backoff: attempt n waits a random time up to min(capMs, baseMs * 2^n). */
  baseMs: number;
  capMs: number;
  /** Secret refreshes after the server rejects the credentials (a rotation may still be finishing). */
  credentialRefreshes: number;
}

export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  capacityAttempts: 4,
  baseMs: 50,
  capMs: 400,
  credentialRefreshes: 3,
});

export interface QueryOptions {
  /**
   * The statement may run twice with the same outcome. Only then is it retried after the
   * connection broke while it was in flight, when it is unknowable whether it ran.
   */
  idempotent?: boolean;
}

export interface QueryResult<Row extends pg.QueryResultRow> extends pg.QueryResult<Row> {
  /** The statement was sent again after an in-flight failure: an earlier attempt may have run. */
  repeated: boolean;
}

function poolFor(secret: DbSecret, options: DatabaseOptions, startupParameters: boolean): pg.Pool {
  const pool = new pg.Pool({
    ...connectionConfig(secret, { ...options, applicationName: config.serviceName }),
    max: options.poolMax,
    query_timeout: options.queryTimeoutMs,
    // The server gives up too, so a timed-out statement does not hold its backend. Not through a
    // proxy, nor through a pooler that refused it: a transaction pooler rejects or pins a session setting.
    statement_timeout: options.proxy || !startupParameters ? undefined : options.queryTimeoutMs,
    // Lambda freezes idle containers: keep the connection for the container's life.
    idleTimeoutMillis: 0,
    // Stryker disable next-line BooleanLiteral: TCP keepalive probes start after minutes of silence; no test waits that long.
    keepAlive: true,
  });
  // A server-side disconnect of an idle client must not crash the container: the pool drops it
  // and the next use opens a fresh one.
  pool.on('error', (error) =>
    logger.warn('idle database connection lost', { error: error.message, code: (error as { code?: string }).code }),
  );
  return pool;
}

function fingerprint(secret: DbSecret): string {
  return createHash('sha256')
    .update(JSON.stringify([secret.host, secret.port, secret.username, secret.password, secret.dbname]))
    .digest('hex');
}

/**
 * The container's connections: one pool for the newest credentials, created on first use and
 * reused by every invocation. New credentials replace it; the old pool is closed in the background.
 */
export class ContainerPools {
  private current?: { secret: DbSecret; key: string; pool: pg.Pool };
  /** When each pooled connection was last given back: a frozen container notices a closed socket only after it thaws. */
  private readonly lastUsed = new WeakMap<pg.PoolClient, number>();
  opened = 0;
  /** False once a pooler refused the login's settings: every later pool of the container logs in without them. */
  startupParameters = true;

  /** A connection idle past `maxIdleMs` is closed, never used: the server may already have ended it. */
  isStale(client: pg.PoolClient, maxIdleMs: number | undefined): boolean {
    return Date.now() - (this.lastUsed.get(client) ?? Date.now()) > (maxIdleMs ?? Infinity);
  }

  /** Gives the connection back; with `error`, the pool closes it instead. */
  release(client: pg.PoolClient, error?: Error): void {
    this.lastUsed.set(client, Date.now());
    client.release(error);
  }

  /** Drops the settings sent at login and the pool that sent them. */
  withoutStartupParameters(): void {
    this.startupParameters = false;
    void this.current?.pool.end().catch(() => undefined);
    this.current = undefined;
  }

  pool(secret: DbSecret, options: DatabaseOptions): pg.Pool {
    // The same parsed secret comes back on every query until it is refetched: skip the hash then.
    if (this.current?.secret === secret) return this.current.pool;
    const key = fingerprint(secret);
    if (this.current?.key === key) {
      this.current.secret = secret;
      return this.current.pool;
    }
    const previous = this.current?.pool;
    const pool = poolFor(secret, options, this.startupParameters);
    pool.on('connect', (client) => {
      // A checked-out client has no listener of the pool's: a server-side disconnect would crash the container.
      client.on('error', (error) =>
        logger.warn('database connection lost', { error: error.message, code: (error as { code?: string }).code }),
      );
      this.opened += 1;
    });
    this.current = { secret, key, pool };
    logger.info(previous ? 'database pool replaced for new credentials' : 'database pool created', {
      host: options.proxy?.host ?? secret.host,
      port: options.proxy?.port ?? secret.port,
      dbname: secret.dbname,
      viaProxy: Boolean(options.proxy),
      poolMax: options.poolMax,
    });
    void previous?.end().catch(() => undefined);
    return pool;
  }

  async end(): Promise<void> {
    const pool = this.current?.pool;
    this.current = undefined;
    await pool?.end().catch(() => undefined);
  }
}

export const containerPools = new ContainerPools();

/**
 * PostgreSQL for one request: bounded timeouts, and the retries that are safe.
 * - Credentials rejected (a rotation): refetch the secret, reconnect, try again.
 * - No connection slot free (a storm): bounded full-jitter backoff, then 503.
 * - Connection lost in flight: retried once on a fresh connection, for idempotent statements only.
 * - Server down: 503 at once.
 */
export class Database {
  constructor(
    private readonly secrets: SecretSource,
    private readonly options: DatabaseOptions = postgresConfig,
    private readonly policy: RetryPolicy = defaultRetryPolicy,
    private readonly pools: ContainerPools = containerPools,
  ) {}

  async query<Row extends pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    { idempotent = false }: QueryOptions = {},
  ): Promise<QueryResult<Row>> {
    const deadline = Date.now() + this.options.budgetMs;
    let refreshes = 0;
    let capacityAttempts = 0;
    let reconnected = false;
    let repeated = false;
    /** Waits before another attempt, if the budget leaves room for the wait and a whole attempt. */
    const retryAfter = async (delayMs: number) => {
      if (Date.now() + delayMs + this.options.connectTimeoutMs > deadline) return false;
      await sleep(delayMs);
      return true;
    };
    for (;;) {
      let client: pg.PoolClient;
      const openedBefore = this.pools.opened;
      const connectStarted = performance.now();
      try {
        client = await this.pools.pool(this.secrets.current(), this.options).connect();
        if (this.pools.isStale(client, this.options.maxIdleMs)) {
          // Routine, not a failure: nothing was sent, so any statement may go on a fresh connection.
          client.release(true);
          logger.info('idle database connection replaced', { maxIdleMs: this.options.maxIdleMs });
          continue;
        }
        if (this.pools.opened > openedBefore) {
          logger.info(this.pools.opened > 1 ? 'database reconnected' : 'database connection opened', {
            durationMs: Math.round(performance.now() - connectStarted),
            opened: this.pools.opened,
          });
        }
      } catch (error) {
        // Nothing was sent yet, so every statement may be retried here.
        const kind = failureKind(error);
        const code = (error as { code?: string }).code;
        logger.debug('database connect failed', { kind, code });
        if (
          kind === 'credentials' &&
          refreshes < this.policy.credentialRefreshes &&
          (await retryAfter(refreshes ? fullJitter(refreshes + 2, this.policy) : 0))
        ) {
          refreshes += 1;
          count(metricNames.retry.credentials);
          logger.warn('database rejected the credentials; refreshing the secret', { code, attempt: refreshes });
          await this.secrets.refresh();
          continue;
        }
        if (kind === 'startup-parameters' && this.pools.startupParameters) {
          // A pooler that takes no session settings (PgBouncer in transaction mode): the client-side timeout remains.
          logger.warn('the database refused settings at login (a pooler); connecting without them', { code });
          this.pools.withoutStartupParameters();
          continue;
        }
        if (kind === 'connection-lost' && !reconnected && (await retryAfter(0))) {
          // Dropped while logging in (a failover, an operator ending sessions): one fresh attempt.
          reconnected = true;
          continue;
        }
        if (kind === 'capacity' && capacityAttempts < this.policy.capacityAttempts - 1) {
          const delay = fullJitter(capacityAttempts, this.policy);
          capacityAttempts += 1;
          count(metricNames.retry.capacity);
          logger.warn('database has no connection slot free; backing off', { code, attempt: capacityAttempts, delayMs: Math.round(delay) });
          if (await retryAfter(delay)) continue;
        }
        throw translateDatabaseError(error);
      }
      try {
        const remaining = Math.max(1, Math.min(this.options.queryTimeoutMs, deadline - Date.now()));
        const sent = performance.now();
        // The statement's text only: its values never reach a trace.
        const result = await traced('PostgreSQL', () => client.query<Row>({ text, values, query_timeout: remaining } as pg.QueryConfig), {
          sql: text,
        });
        milliseconds(metricNames.databaseRoundTrip, performance.now() - sent);
        this.pools.release(client);
        return Object.assign(result, { repeated });
      } catch (error) {
        const kind = failureKind(error);
        logger.debug('database statement failed', { kind, code: (error as { code?: string }).code, idempotent, repeated });
        // Keep the connection when the server merely refused the statement; drop it otherwise.
        // Stryker disable next-line ConditionalExpression: pg-pool also closes a connection that ended or timed out; this says so outright.
        this.pools.release(client, kind === 'statement' ? undefined : (error as Error));
        if (kind === 'connection-lost' && idempotent && !repeated && (await retryAfter(0))) {
          repeated = true;
          count(metricNames.retry.inFlight);
          logger.warn('database connection lost in flight; retrying on a fresh connection', { error: (error as Error).message });
          continue;
        }
        throw translateDatabaseError(error);
      }
    }
  }

  /** The current credentials, for tools that open their own connection (migrations). */
  credentials(): DbSecret {
    return this.secrets.current();
  }

  /** One round trip; resolves with its duration in milliseconds. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.query('select 1', [], { idempotent: true });
    return Math.round((performance.now() - started) * 100) / 100;
  }
}
