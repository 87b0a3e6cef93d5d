import path from 'node:path';
import { config } from '../lib/config';
import { databaseAccess, databaseFrom, type DatabaseContext } from '../lib/db/access';
import { migrate } from '../lib/db/migrate';
import { eventFunction } from '../lib/events/event-function';
import { logger } from '../lib/logger';

/**
 * Applies every pending migration with the same tool as local development, directly on the
 * cluster (never through a proxy: migrations hold an advisory lock). Idempotent; a failure
 * fails the invocation, and so the release.
 */
export const handler = eventFunction<unknown, { applied: string[] }, DatabaseContext>(
  async (_event, context) => {
    const dir = path.join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), 'migrations');
    const applied = await migrate(databaseFrom(context).credentials(), {
      dir,
      ssl: config.database.ssl,
      // A paused dev cluster takes a while to resume; the function's timeout (300 s) leaves room.
      waitMs: 120_000,
      log: (message) => logger.info(message),
    });
    logger.info('migrations applied', { applied, count: applied.length });
    return { applied };
  },
  { middlewares: [databaseAccess()] },
);
