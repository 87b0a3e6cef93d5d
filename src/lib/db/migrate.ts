import path from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { connectionConfig, type ConnectionOptions } from './connection';
import type { DbSecret } from './secret';

export const migrationsDir = path.resolve(__dirname, '../../../migrations');

export interface MigrateOptions {
  dir?: string;
  ssl?: ConnectionOptions['ssl'];
  log?: (message: string) => void;
}

/**
 * Applies every pending migration with node-pg-migrate, under its advisory lock so concurrent
 * runs (two deploys, two developers) serialise. Returns the names of the migrations applied.
 */
export async function migrate(
  secret: DbSecret,
  { dir = migrationsDir, ssl = 'off', log = () => undefined }: MigrateOptions = {},
): Promise<string[]> {
  // Straight to the cluster, never through a proxy: the migration lock is a session-level advisory lock.
  const client = new pg.Client(connectionConfig(secret, { connectTimeoutMs: 10_000, ssl, applicationName: 'users-api-migrate' }));
  await client.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Infinity,
      singleTransaction: true,
      log,
    });
    return applied.map((migration) => migration.name);
  } finally {
    await client.end();
  }
}
