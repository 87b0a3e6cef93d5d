import path from 'node:path';
import type { SchemaEngine } from '../storage/engine';
import { postgresConfig } from './config';
import { migrate } from './migrate';

/** node-pg-migrate's migrations/ on the current credentials, with a connection of its own. */
export const postgresSchema: SchemaEngine = {
  migrate: (secrets, { waitMs, log, applicationLogin, migrationDirs }) =>
    migrate(secrets.current(), {
      applicationLogin,
      dir: path.join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), 'migrations'),
      extraDirs: migrationDirs,
      ssl: postgresConfig.ssl,
      waitMs,
      log,
    }),
};
