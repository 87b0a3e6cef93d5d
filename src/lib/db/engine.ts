import type { StorageEngine } from '../storage/engine';
import { postgresConfig } from './config';
import { Database } from './database';

/** Aurora PostgreSQL (PostgreSQL locally) through node-postgres: the connection is a `Database`. */
export const postgresEngine: StorageEngine<Database> = {
  name: 'postgres',
  secretDefaults: { port: 5432 },
  connect: (secrets) => new Database(secrets, postgresConfig),
};
