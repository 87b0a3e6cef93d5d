import path from 'node:path';
import type { StorageEngine } from '../storage/engine';
import { PostgresUsersRepository } from '../users/postgres';
import { postgresConfig } from './config';
import { Database } from './database';
import { migrate } from './migrate';

/** Aurora PostgreSQL (PostgreSQL locally) through node-postgres, with node-pg-migrate for the schema. */
export const postgresEngine: StorageEngine = {
  name: 'postgres',
  secretDefaults: { port: 5432 },
  connect(secrets) {
    const database = new Database(secrets, postgresConfig);
    return {
      users: new PostgresUsersRepository(database),
      ping: () => database.ping(),
      migrate: ({ waitMs, log, applicationLogin }) =>
        migrate(database.credentials(), {
          applicationLogin,
          dir: path.join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), 'migrations'),
          ssl: postgresConfig.ssl,
          waitMs,
          log,
        }),
    };
  },
};
