import { LambdaClient } from '@aws-sdk/client-lambda';
import { logger } from '../lib/logger';
import { customResourceFunction } from '../lib/release/cloudformation-response';
import { runMigrations } from '../lib/release/migrations';

const lambda = new LambdaClient({});

/**
 * The `ReleaseMigrations` custom resource (resources/release.js): on create and update it runs
 * `migrate` and answers CloudFormation, which moves no alias to the new versions until then and
 * rolls the stack back when the answer is FAILED. Deleting it changes nothing in the database.
 */
export const handler = customResourceFunction('release stopped: migrations failed', async (event) => {
  const applied = await runMigrations(lambda, String(event.ResourceProperties.MigrateFunction));
  logger.info('release migrations applied', { applied, count: applied.length });
  return { Applied: applied.length };
});
