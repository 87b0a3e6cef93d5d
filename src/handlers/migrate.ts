import { eventFunction } from '../lib/events/event-function';
import { logger } from '../lib/logger';
import { databaseAccess, storageFrom, type DatabaseContext } from '../lib/storage/access';

/**
 * Applies every pending migration with the same tool as local development, directly on the
 * cluster (never through a proxy: migrations hold an advisory lock). Idempotent; a failure
 * fails the invocation, and so the release.
 */
export const handler = eventFunction<unknown, { applied: string[] }, DatabaseContext>(
  async (_event, context) => {
    const applied = await storageFrom(context).migrate({
      // A paused dev cluster takes a while to resume; the function's timeout (300 s) leaves room.
      waitMs: 120_000,
      log: (message) => logger.info(message),
    });
    logger.info('migrations applied', { applied, count: applied.length });
    return { applied };
  },
  { middlewares: [databaseAccess()] },
);
