import http from 'node:http';
import { CodeDeployClient, GetDeploymentCommand, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as preTraffic } from '../../src/handlers/pre-traffic';
import { handler as releaseMigrations } from '../../src/handlers/release-migrations';
import { handler as userPoolKeys } from '../../src/handlers/user-pool-keys';
import { logger } from '../../src/lib/logger';
import { listenOnLoopback } from '../../src/local/loopback-server';
import { lambdaContext } from '../support/events';
import { serviceName } from '../support/names';

/**
 * The functions that run during a release: the ReleaseMigrations and UserPoolKeys custom
 * resources, which answer CloudFormation on a loopback response URL, and the pre-traffic hook.
 * Lambda and CodeDeploy are under aws-sdk-client-mock (no stand-in for them runs here).
 */
const lambda = mockClient(LambdaClient);
const codedeploy = mockClient(CodeDeployClient);
const signingKey = { kid: 'k1', kty: 'RSA', n: 'modulus', e: 'AQAB', alg: 'RS256', use: 'sig' };
let endpoint: { url: string; close(): Promise<void> };
/** What CloudFormation received on the response URL. */
const answers: any[] = [];
const logLines: unknown[][] = [];

beforeAll(async () => {
  const server = http.createServer((request, response) => {
    if (request.method === 'GET') {
      const found = request.url === '/.well-known/jwks.json';
      response
        .writeHead(found ? 200 : 404, { 'content-type': 'application/json' })
        .end(found ? JSON.stringify({ keys: [signingKey] }) : '{}');
      return;
    }
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      answers.push(JSON.parse(body));
      response.writeHead(200).end();
    });
  });
  endpoint = await listenOnLoopback(server);
  for (const level of ['info', 'warn', 'error'] as const) {
    jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => void logLines.push([level, ...args]));
  }
});

afterAll(async () => {
  jest.restoreAllMocks();
  await endpoint.close();
});

beforeEach(() => {
  lambda.reset();
  codedeploy.reset();
  answers.length = 0;
  logLines.length = 0;
});

const customResourceEvent = (
  RequestType: 'Create' | 'Update' | 'Delete',
  LogicalResourceId: string,
  ResourceProperties: Record<string, string>,
) =>
  ({
    RequestType,
    ResponseURL: `${endpoint.url}/response`,
    StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${serviceName}-dev/guid`,
    RequestId: `request-${RequestType}`,
    LogicalResourceId,
    ResourceType: `Custom::${LogicalResourceId}`,
    ServiceToken: 'arn',
    // Kept as CloudFormation sends it, whatever the stack is called now.
    ...(RequestType === 'Create' ? {} : { PhysicalResourceId: `${LogicalResourceId}-first-stack` }),
    ResourceProperties: { ServiceToken: 'arn', ...ResourceProperties },
  }) as CloudFormationCustomResourceEvent;

describe('the release migrations custom resource', () => {
  const event = (RequestType: 'Create' | 'Update' | 'Delete') =>
    customResourceEvent(RequestType, 'ReleaseMigrations', { MigrateFunction: `${serviceName}-dev-migrate`, MigrationsDigest: 'abc' });

  it('runs migrate on create, answers SUCCESS with the count applied, and logs what it applied', async () => {
    lambda.on(InvokeCommand).resolves({ Payload: Buffer.from('{"applied":["1_a","2_b"]}') as never, StatusCode: 200 });
    expect(await releaseMigrations(event('Create'), lambdaContext())).toEqual({ status: 'SUCCESS', data: { Applied: 2 } });
    expect(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.FunctionName).toBe(`${serviceName}-dev-migrate`);
    expect(answers).toEqual([
      expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: `ReleaseMigrations-${serviceName}-dev`, Data: { Applied: 2 } }),
    ]);
    expect(logLines).toEqual([['info', 'release migrations applied', { applied: ['1_a', '2_b'], count: 2 }]]);
  });

  it('answers FAILED with the migration error on update, logged once at ERROR, and does not throw (no retry)', async () => {
    lambda.on(InvokeCommand).resolves({
      Payload: Buffer.from('{"errorType":"error","errorMessage":"relation \\"test_contacts\\" already exists"}') as never,
      FunctionError: 'Unhandled',
    });
    await expect(releaseMigrations(event('Update'), lambdaContext())).resolves.toMatchObject({ status: 'FAILED' });
    expect(answers).toEqual([
      expect.objectContaining({
        Status: 'FAILED',
        Reason: 'migrate failed: relation "test_contacts" already exists',
        RequestId: 'request-Update',
        PhysicalResourceId: 'ReleaseMigrations-first-stack',
      }),
    ]);
    expect(logLines).toEqual([
      ['error', 'release stopped: migrations failed', expect.objectContaining({ errorName: 'MigrationsFailedError' })],
    ]);
  });

  it('changes nothing on delete', async () => {
    await releaseMigrations(event('Delete'), lambdaContext());
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(answers).toEqual([expect.objectContaining({ Status: 'SUCCESS', RequestId: 'request-Delete' })]);
  });
});

describe('the user pool keys custom resource', () => {
  const event = (RequestType: 'Create' | 'Update', jwksPath = '/.well-known/jwks.json') =>
    customResourceEvent(RequestType, 'UserPoolKeys', { JwksUri: `${endpoint.url}${jwksPath}` });

  it("answers SUCCESS with the issuer's signing keys as Jwks, and logs their size", async () => {
    const jwks = JSON.stringify({ keys: [signingKey] });
    expect(await userPoolKeys(event('Create'), lambdaContext())).toEqual({ status: 'SUCCESS', data: { Jwks: jwks } });
    expect(answers).toEqual([
      expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: `UserPoolKeys-${serviceName}-dev`, Data: { Jwks: jwks } }),
    ]);
    expect(logLines).toEqual([['info', 'user pool keys fetched', { bytes: jwks.length }]]);
  });

  it('answers FAILED with the reason when the keys cannot be fetched, logged once at ERROR', async () => {
    const result = await userPoolKeys(event('Update', '/missing'), lambdaContext());
    const reason = `The JWKS at ${endpoint.url}/missing answered 404`;
    expect(result).toEqual({ status: 'FAILED', reason });
    expect(answers).toEqual([
      expect.objectContaining({ Status: 'FAILED', Reason: reason, PhysicalResourceId: 'UserPoolKeys-first-stack' }),
    ]);
    expect(logLines).toEqual([['error', 'user pool keys could not be fetched', expect.objectContaining({ error: new Error(reason) })]]);
  });
});

describe('the pre-traffic hook function', () => {
  const appSpec = JSON.stringify({ Resources: [{ fn: { Properties: { Name: `${serviceName}-dev-health`, TargetVersion: '3' } } }] });

  it("reports the probe's outcome to CodeDeploy and returns it", async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { revision: { appSpecContent: { content: appSpec } } } });
    lambda.on(InvokeCommand).resolves({ Payload: Buffer.from('{"statusCode":200}') as never });
    const hook = { DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'hook-1' };
    expect(await preTraffic(hook, lambdaContext())).toEqual({ status: 'Succeeded' });
    lambda.on(InvokeCommand).resolves({ Payload: Buffer.from('{"statusCode":503}') as never });
    expect(await preTraffic(hook, lambdaContext())).toEqual({ status: 'Failed' });
    expect(codedeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((call) => call.args[0].input.status)).toEqual([
      'Succeeded',
      'Failed',
    ]);
    expect(lambda.commandCalls(InvokeCommand).map((call) => call.args[0].input.FunctionName)).toEqual([
      `${serviceName}-dev-health:3`,
      `${serviceName}-dev-health:3`,
    ]);
  });
});
