import type pg from 'pg';
import { clusterCa } from '../storage/cluster-ca';
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
    // Aurora presents RDS certificates; RDS Proxy presents Amazon Trust Services ones, which Node.js trusts by default.
    ssl: options.ssl === 'verify' ? (options.proxy ? { rejectUnauthorized: true } : { ca: clusterCa(), rejectUnauthorized: true }) : false,
    application_name: options.applicationName,
  };
}
