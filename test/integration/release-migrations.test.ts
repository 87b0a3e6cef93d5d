import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../src/handlers/release-migrations';
import { logger } from '../../src/lib/logger';
import { lambdaContext } from '../support/events';

/**
 * The ReleaseMigrations custom resource's handler: it answers CloudFormation on a loopback
 * response URL, with `migrate` under aws-sdk-client-mock (no Lambda stand-in runs here).
 */
const lambda = mockClient(LambdaClient);
let server: http.Server;
let responseUrl: string;
const answers: any[] = [];
const errorLines: unknown[][] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      answers.push(JSON.parse(body));
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
  jest.spyOn(logger, 'error').mockImplementation((...args: unknown[]) => void errorLines.push(args));
});

afterAll(async () => {
  jest.restoreAllMocks();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  lambda.reset();
  answers.length = 0;
  errorLines.length = 0;
});

const event = (RequestType: 'Create' | 'Update' | 'Delete') =>
  ({
    RequestType,
    ResponseURL: responseUrl,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/users-api-dev/guid',
    RequestId: `request-${RequestType}`,
    LogicalResourceId: 'ReleaseMigrations',
    ResourceType: 'Custom::Migrations',
    ServiceToken: 'arn',
    ...(RequestType === 'Create' ? {} : { PhysicalResourceId: 'ReleaseMigrations-users-api-dev' }),
    ResourceProperties: { ServiceToken: 'arn', MigrateFunction: 'users-api-dev-migrate', MigrationsDigest: 'abc' },
  }) as CloudFormationCustomResourceEvent;

describe('the release migrations custom resource', () => {
  it('runs migrate on create and answers SUCCESS with the count applied', async () => {
    lambda.on(InvokeCommand).resolves({ Payload: Buffer.from('{"applied":["1_a","2_b"]}') as never, StatusCode: 200 });
    expect(await handler(event('Create'), lambdaContext())).toMatchObject({ status: 'SUCCESS' });
    expect(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.FunctionName).toBe('users-api-dev-migrate');
    expect(answers).toEqual([
      expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'ReleaseMigrations-users-api-dev', Data: { Applied: 2 } }),
    ]);
  });

  it('answers FAILED with the migration error on update, logged once at ERROR, and does not throw (no retry)', async () => {
    lambda.on(InvokeCommand).resolves({
      Payload: Buffer.from('{"errorType":"error","errorMessage":"relation \\"users\\" already exists"}') as never,
      FunctionError: 'Unhandled',
    });
    await expect(handler(event('Update'), lambdaContext())).resolves.toMatchObject({ status: 'FAILED' });
    expect(answers).toEqual([
      expect.objectContaining({ Status: 'FAILED', Reason: 'migrate failed: relation "users" already exists', RequestId: 'request-Update' }),
    ]);
    expect(errorLines).toEqual([['release stopped: migrations failed', expect.objectContaining({ errorName: 'MigrationsFailedError' })]]);
  });

  it('changes nothing on delete', async () => {
    await handler(event('Delete'), lambdaContext());
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(answers).toEqual([expect.objectContaining({ Status: 'SUCCESS', RequestId: 'request-Delete' })]);
  });
});
