import type { StorageEngine } from '../storage/engine';
import { PostgresUsersRepository } from '../users/postgres';
import { postgresConfig } from './config';
import { Database } from './database';

/** Aurora PostgreSQL (PostgreSQL locally) through node-postgres. */
export const postgresEngine: StorageEngine = {
  name: 'postgres',
  secretDefaults: { port: 5432 },
  connect(secrets) {
    const database = new Database(secrets, postgresConfig);
    return { users: new PostgresUsersRepository(database), ping: () => database.ping() };
  },
};
