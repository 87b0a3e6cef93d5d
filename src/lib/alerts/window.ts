import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface Admission {
  /** True for the first errors of a window: they are sent, the rest of the window only counted. */
  send: boolean;
  /** Errors of this key that the previous window counted but did not send. */
  suppressedBefore: number;
}

/** Items outlive their window by a day, so the next alert can say how many were held back. */
const retentionSeconds = 24 * 60 * 60;

/**
 * The alert window of each function and error name, kept in DynamoDB so that every container
 * (and every concurrent invocation) agrees: one conditional write opens a window, and whoever
 * finds it open only adds to its count. Items expire through the table's TTL (`expiresAt`).
 */
export class AlertWindow {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly windowSeconds: number,
  ) {}

  async admit(key: string, count: number, now = Date.now()): Promise<Admission> {
    const windowEnds = now + this.windowSeconds * 1000;
    try {
      const opened = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: key } },
          ConditionExpression: 'attribute_not_exists(pk) OR windowEnds <= :now',
          UpdateExpression: 'SET windowEnds = :ends, #total = :count, sent = :count, expiresAt = :expires',
          ExpressionAttributeNames: { '#total': 'total' },
          ExpressionAttributeValues: {
            ':now': { N: String(now) },
            ':ends': { N: String(windowEnds) },
            ':count': { N: String(count) },
            ':expires': { N: String(Math.ceil(windowEnds / 1000) + retentionSeconds) },
          },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      const old = opened.Attributes;
      const suppressedBefore = old ? Number(old.total?.N ?? 0) - Number(old.sent?.N ?? 0) : 0;
      return { send: true, suppressedBefore };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { pk: { S: key } },
        UpdateExpression: 'ADD #total :count',
        ExpressionAttributeNames: { '#total': 'total' },
        ExpressionAttributeValues: { ':count': { N: String(count) } },
      }),
    );
    return { send: false, suppressedBefore: 0 };
  }

  /** Closes the key's window, so the next errors (or a retry of these) are sent. */
  async reopen(key: string): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { pk: { S: key } },
        UpdateExpression: 'SET windowEnds = :zero',
        ExpressionAttributeValues: { ':zero': { N: '0' } },
      }),
    );
  }
}
