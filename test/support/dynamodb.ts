import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, localDynamoDbClient, startDynamoDbLocal, type DynamoDbLocal } from '../../src/local/dynamodb-local';
import { freePort } from '../../src/local/local-stack';

export type LocalDynamoDb = DynamoDbLocal;

/**
 * DynamoDB Local in memory on a free port; only the tests talk to it. Under mutation testing, the
 * one that scripts/mutation.ts started for every run instead (TEST_SHARED_DYNAMODB_URL), which this
 * leaves running: the tests name their tables uniquely.
 */
export async function startDynamoDb(): Promise<LocalDynamoDb> {
  const shared = process.env.TEST_SHARED_DYNAMODB_URL;
  if (!shared) return startDynamoDbLocal({ port: await freePort() });
  const client = localDynamoDbClient(shared);
  const stopNow = () => client.destroy();
  return { url: shared, client, stopNow, stop: async () => stopNow() };
}

/** The alerts table as resources/alerting.js declares it: key `pk`, TTL on `expiresAt`. */
export async function createAlertsTable(client: DynamoDBClient, name: string): Promise<void> {
  await ensureTable(client, { name, key: 'pk', ttlAttribute: 'expiresAt' });
}
