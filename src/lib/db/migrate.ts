import path from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import type { DbSecret } from './secret';

export const migrationsDir = path.resolve(__dirname, '../../../migrations');

export interface MigrateOptions {
  dir?: string;
  log?: (message: string) => void;
}

/**
 * Applies every pending migration with node-pg-migrate, under its advisory lock so concurrent
 * runs (two deploys, two developers) serialise. Returns the names of the migrations applied.
 */
export async function migrate(secret: DbSecret, { dir = migrationsDir, log = () => undefined }: MigrateOptions = {}): Promise<string[]> {
  const client = new pg.Client({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname,
  });
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
