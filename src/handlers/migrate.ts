import { middySecretsClient } from '../lib/secrets-manager';
import type middy from '@middy/core';
import secretsManager from '@middy/secrets-manager';
import * as z from 'zod/mini';
import { text } from '../lib/environment';
import { eventFunction } from '../lib/events/event-function';
import { logger } from '../lib/logger';
import { databaseAccess, databaseSecretsFrom, type DatabaseContext } from '../lib/storage/access';
import { selectedEngine, selectedSchema } from '../lib/selected-engine';
import { migrationDirs, resources } from '../api/registry';

/** The functions' login (a Secrets Manager secret of the stage), which the release makes on the cluster. */
const applicationSecretId = process.env.DB_APP_SECRET_ID || undefined;
const applicationLogin = z.object({ username: text(), password: text() });

interface MigrateContext extends DatabaseContext {
  applicationSecret?: unknown;
}

/**
 * Applies every pending migration with the same tool as local development, directly on the
 * cluster as the master user (never through a proxy: migrations hold an advisory lock), then makes
 * the functions' own login a member of the application role. Idempotent; a failure fails the
 * invocation, and so the release.
 */
export const handler = eventFunction<unknown, { applied: string[] }, MigrateContext>(
  async (_event, context) => {
    const parsed = applicationSecretId ? applicationLogin.safeParse(context.applicationSecret) : undefined;
    if (parsed && !parsed.success) throw new Error('The application login secret needs a username and a password');
    const applied = await selectedSchema().migrate(databaseSecretsFrom(context), {
      // A paused dev cluster takes a while to resume; the function's timeout (300 s) leaves room.
      waitMs: 120_000,
      log: (message) => logger.info(message),
      applicationLogin: parsed?.data,
      indexSteps: resources.flatMap((resource) => resource.indexSteps),
      migrationDirs,
    });
    logger.info('migrations applied', { applied, count: applied.length });
    return { applied };
  },
  {
    middlewares: [
      databaseAccess(selectedEngine()),
      ...(applicationSecretId
        ? [
            secretsManager({
              AwsClient: middySecretsClient,
              fetchData: { applicationSecret: applicationSecretId },
              cacheKey: 'application-secret',
              setToContext: true,
              // Read on every run: the rotation may have moved it.
              cacheExpiry: 0,
            }) as unknown as middy.MiddlewareObj<unknown, { applied: string[] }, Error, MigrateContext>,
          ]
        : []),
    ],
  },
);
