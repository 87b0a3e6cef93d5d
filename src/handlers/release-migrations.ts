import { LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { eventFunction } from '../lib/events/event-function';
import { failureDetails } from '../lib/failure';
import { logger } from '../lib/logger';
import { respondToCloudFormation, type CustomResourceResult } from '../lib/release/cloudformation-response';
import { runMigrations } from '../lib/release/migrations';

const lambda = new LambdaClient({});

/**
 * The `ReleaseMigrations` custom resource (resources/release.js): on create and update it runs
 * `migrate` and answers CloudFormation, which moves no alias to the new versions until then and
 * rolls the stack back when the answer is FAILED. Deleting it changes nothing in the database.
 */
export const handler = eventFunction<CloudFormationCustomResourceEvent, CustomResourceResult>(async (event, context) => {
  const physicalResourceId =
    'PhysicalResourceId' in event ? event.PhysicalResourceId : `${event.LogicalResourceId}-${event.StackId.split('/')[1]}`;
  let result: CustomResourceResult = { status: 'SUCCESS' };
  if (event.RequestType !== 'Delete') {
    try {
      const applied = await runMigrations(lambda, String(event.ResourceProperties.MigrateFunction));
      logger.info('release migrations applied', { applied, count: applied.length });
      result = { status: 'SUCCESS', data: { Applied: applied.length } };
    } catch (error) {
      // Logged once here and answered: a thrown error would make Lambda retry the whole release step.
      logger.error('release stopped: migrations failed', failureDetails(error, context));
      result = { status: 'FAILED', reason: (error as Error).message };
    }
  }
  await respondToCloudFormation(event, physicalResourceId, result);
  return result;
});
