import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { respondToCloudFormation } from './cloudformation-response';
import { MigrationsFailedError, runMigrations } from './migrations';
import { serviceName } from '../../../test/support/names';

const lambda = mockClient(LambdaClient);
const client = new LambdaClient({ region: 'eu-west-1' });

describe('runMigrations', () => {
  beforeEach(() => lambda.reset());

  it('returns what migrate applied, waiting for it', async () => {
    lambda.on(InvokeCommand).resolves({ Payload: Buffer.from('{"applied":["1_create-users"]}') as never, StatusCode: 200 });
    expect(await runMigrations(client, `${serviceName}-dev-migrate`)).toEqual(['1_create-users']);
    expect(lambda.commandCalls(InvokeCommand)[0]!.args[0].input).toEqual({
      FunctionName: `${serviceName}-dev-migrate`,
      InvocationType: 'RequestResponse',
    });
  });

  it("fails with migrate's own error message", async () => {
    lambda.on(InvokeCommand).resolves({
      Payload: Buffer.from('{"errorType":"error","errorMessage":"column \\"x\\" does not exist"}') as never,
      FunctionError: 'Unhandled',
    });
    const failure = runMigrations(client, 'm');
    await expect(failure).rejects.toThrow(MigrationsFailedError);
    await expect(failure).rejects.toThrow('migrate failed: column "x" does not exist');
  });

  it('fails with the kind of failure when migrate answered nothing', async () => {
    lambda.on(InvokeCommand).resolves({ FunctionError: 'Unhandled' });
    await expect(runMigrations(client, 'm')).rejects.toThrow(/^migrate failed: Unhandled$/);
    lambda.on(InvokeCommand).resolves({ Payload: Buffer.from('') as never, FunctionError: 'Unhandled' });
    await expect(runMigrations(client, 'm')).rejects.toThrow(/^migrate failed: Unhandled$/);
  });

  it('counts nothing applied when the answer names no list', async () => {
    for (const Payload of [undefined, Buffer.from(''), Buffer.from('null'), Buffer.from('{}'), Buffer.from('{"applied":"1_a"}')]) {
      lambda.on(InvokeCommand).resolves({ Payload: Payload as never, StatusCode: 200 });
      expect(await runMigrations(client, 'm')).toEqual([]);
    }
  });
});

describe('respondToCloudFormation', () => {
  let server: http.Server;
  let url: string;
  let status = 200;
  const received: { method?: string; contentType?: string; body: any }[] = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ method: request.method, contentType: request.headers['content-type'], body: JSON.parse(body) });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/signed?X-Amz-Signature=abc`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const event = () =>
    ({
      RequestType: 'Create',
      ResponseURL: url,
      StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${serviceName}-dev/guid`,
      RequestId: 'request-1',
      LogicalResourceId: 'ReleaseMigrations',
      ResourceType: 'Custom::Migrations',
      ServiceToken: 'arn',
      ResourceProperties: { ServiceToken: 'arn' },
    }) as CloudFormationCustomResourceEvent;

  it('PUTs the result to the pre-signed URL with an empty content type', async () => {
    await respondToCloudFormation(event(), `ReleaseMigrations-${serviceName}-dev`, { status: 'FAILED', reason: 'x'.repeat(2000) });
    const [reply] = received;
    expect(reply!.method).toBe('PUT');
    expect(reply!.contentType ?? '').toBe('');
    expect(reply!.body).toEqual({
      Status: 'FAILED',
      Reason: 'x'.repeat(1000),
      PhysicalResourceId: `ReleaseMigrations-${serviceName}-dev`,
      StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${serviceName}-dev/guid`,
      RequestId: 'request-1',
      LogicalResourceId: 'ReleaseMigrations',
    });
  });

  it('fails when the URL refuses the answer, so the failure is not silent', async () => {
    status = 403;
    await expect(respondToCloudFormation(event(), 'id', { status: 'SUCCESS', data: { Applied: 1 } })).rejects.toThrow(/answered 403/);
    expect(received.at(-1)!.body).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'id',
      StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${serviceName}-dev/guid`,
      RequestId: 'request-1',
      LogicalResourceId: 'ReleaseMigrations',
      Data: { Applied: 1 },
    });
    status = 200;
  });
});
