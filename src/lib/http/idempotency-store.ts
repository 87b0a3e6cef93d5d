import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { boundedRequests } from '../aws-requests';
import { idempotencyTable, type IdempotencySettings, type IdempotentCall } from './idempotency-settings';
import type { HttpResult } from './responses';

/** Tells the client that a response is the stored first one (as Stripe and others do). */
export const replayedHeader = 'Idempotent-Replayed';

/**
 * Runs `execute` at most once per caller, route and key (Powertools idempotency on DynamoDB): a
 * retry with the same request gets the stored first response, with `Idempotent-Replayed: true`;
 * the same key with another request is 422; a retry while the first still runs is 409. A failed
 * first attempt stores nothing, so its retry runs again. When the store cannot be reached, the
 * request is not executed. Powertools' errors are mapped to the service's by the route (./idempotency.ts).
 */
export function idempotencyStore(env: IdempotencySettings) {
  const client = new DynamoDBClient(boundedRequests(env.IDEMPOTENCY_TIMEOUT_MS));
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds: env.IDEMPOTENCY_TTL_SECONDS,
    responseHook: (response) => {
      const result = response as HttpResult;
      return { ...result, headers: { ...result.headers, [replayedHeader]: 'true' } };
    },
  });
  const run = makeIdempotent((_call: IdempotentCall, execute: () => Promise<HttpResult>) => execute(), {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: env.IDEMPOTENCY_TABLE,
      keyAttr: idempotencyTable.key,
      expiryAttr: idempotencyTable.ttlAttribute,
      awsSdkV3Client: client,
    }),
    config,
    dataIndexArgument: 0,
  });
  return async (call: IdempotentCall, context: Context, execute: () => Promise<HttpResult>): Promise<HttpResult> => {
    // How long an in-progress record blocks a retry: until this invocation would have timed out.
    config.registerLambdaContext(context);
    return (await run(call, execute)) as HttpResult;
  };
}
