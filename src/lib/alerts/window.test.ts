import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { AlertWindow } from './window';

/** The window against DynamoDB Local is tested in test/integration/alerts.test.ts; a stand-in server cannot fail one call and answer the next, which this needs. */
const dynamodb = mockClient(DynamoDBClient);
afterAll(() => dynamodb.restore());

describe('AlertWindow', () => {
  it('lets a failure to open the window go up, rather than taking the window for open', async () => {
    const failure = Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
    dynamodb.on(UpdateItemCommand).rejectsOnce(failure).resolves({});
    const window = new AlertWindow(new DynamoDBClient({ region: 'eu-west-1' }), 'alerts', 300);
    await expect(window.admit('testContactsGet#TypeError', 1)).rejects.toBe(failure);
    expect(dynamodb.commandCalls(UpdateItemCommand)).toHaveLength(1);
  });
});
