import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable, startDynamoDbLocal, type DynamoDbLocal } from '../../src/local/dynamodb-local';
import { freePort } from '../../src/local/local-stack';

export type LocalDynamoDb = DynamoDbLocal;

/** DynamoDB Local in memory on a free port; only the tests talk to it. */
export async function startDynamoDb(): Promise<LocalDynamoDb> {
  return startDynamoDbLocal({ port: await freePort() });
}

/** The alerts table as resources/alerting.js declares it: key `pk`, TTL on `expiresAt`. */
export async function createAlertsTable(client: DynamoDBClient, name: string): Promise<void> {
  await ensureTable(client, { name, key: 'pk', ttlAttribute: 'expiresAt' });
}
