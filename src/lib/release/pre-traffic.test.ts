import { CodeDeployClient, GetDeploymentCommand, PutLifecycleEventHookExecutionStatusCommand } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { mockClient } from 'aws-sdk-client-mock';
import { checkBeforeTraffic, targetOf } from './pre-traffic';
import { serviceName } from '../../../test/support/names';

const codedeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const clients = { codedeploy: new CodeDeployClient({ region: 'eu-west-1' }), lambda: new LambdaClient({ region: 'eu-west-1' }) };
const warnings: unknown[] = [];
const infos: unknown[] = [];
const logger = { info: (...args: unknown[]) => infos.push(args), warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;
const event = { DeploymentId: 'd-ABC123', LifecycleEventHookExecutionId: 'hook-1' };

/** The AppSpec CloudFormation gives a Lambda deployment. */
const appSpec = JSON.stringify({
  version: 0.0,
  Resources: [
    {
      [`${serviceName}-prod-testContactsGet`]: {
        Type: 'AWS::Lambda::Function',
        Properties: { Name: `${serviceName}-prod-testContactsGet`, Alias: 'Live', CurrentVersion: '7', TargetVersion: '8' },
      },
    },
  ],
});
const answer = (payload: unknown, functionError?: string) =>
  lambda
    .on(InvokeCommand)
    .resolves({ Payload: Buffer.from(JSON.stringify(payload)) as never, FunctionError: functionError, StatusCode: 200 });

beforeEach(() => {
  codedeploy.reset();
  lambda.reset();
  warnings.length = 0;
  infos.length = 0;
  codedeploy
    .on(GetDeploymentCommand)
    .resolves({ deploymentInfo: { revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } } } });
  codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
});

const reported = () => codedeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((call) => call.args[0].input);

describe('the pre-traffic hook', () => {
  it('probes the target version and reports Succeeded when it answers 200', async () => {
    answer({ statusCode: 200, body: '{"status":"ready"}' });
    expect(await checkBeforeTraffic(event, clients, logger)).toBe('Succeeded');
    const invoked = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(codedeploy.commandCalls(GetDeploymentCommand).map((call) => call.args[0].input)).toEqual([{ deploymentId: 'd-ABC123' }]);
    expect(invoked.FunctionName).toBe(`${serviceName}-prod-testContactsGet:8`);
    expect(JSON.parse(Buffer.from(invoked.Payload as Uint8Array).toString())).toMatchObject({ readinessProbe: true, version: '2.0' });
    expect(reported()).toEqual([{ deploymentId: 'd-ABC123', lifecycleEventHookExecutionId: 'hook-1', status: 'Succeeded' }]);
  });

  it('reports Failed when the new version is not ready (503)', async () => {
    answer({ statusCode: 503, body: '{}' });
    expect(await checkBeforeTraffic(event, clients, logger)).toBe('Failed');
    expect(reported()).toEqual([expect.objectContaining({ status: 'Failed' })]);
    expect(JSON.stringify(warnings)).toContain('answered 503');
  });

  it('reports Failed when the new version crashes', async () => {
    answer({ errorType: 'Runtime.ImportModuleError', errorMessage: 'Cannot find module' }, 'Unhandled');
    expect(await checkBeforeTraffic(event, clients, logger)).toBe('Failed');
    expect(JSON.stringify(warnings)).toContain('Runtime.ImportModuleError');
  });

  it('reports Failed when the invoke itself fails, or the deployment names no version', async () => {
    lambda.on(InvokeCommand).rejects(new Error('AccessDenied'));
    expect(await checkBeforeTraffic(event, clients, logger)).toBe('Failed');
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: {} });
    expect(await checkBeforeTraffic(event, clients, logger)).toBe('Failed');
    expect(reported().map((input) => input.status)).toEqual(['Failed', 'Failed']);
  });

  it('logs which version is ready, and why one is not', async () => {
    answer({ statusCode: 200 });
    await checkBeforeTraffic(event, clients, logger);
    expect(infos).toEqual([
      ['new version ready', { functionName: `${serviceName}-prod-testContactsGet`, version: '8', deploymentId: 'd-ABC123' }],
    ]);
    answer({ statusCode: 503 });
    await checkBeforeTraffic(event, clients, logger);
    expect(warnings).toEqual([
      [
        'new version not ready: the deployment stops',
        { deploymentId: 'd-ABC123', reason: 'the new version answered 503 to its readiness probe' },
      ],
    ]);
  });

  it('invokes the version synchronously, and fails on an empty or statusless answer', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200 });
    expect(await checkBeforeTraffic(event, clients, logger)).toBe('Failed');
    expect(lambda.commandCalls(InvokeCommand)[0]!.args[0].input.InvocationType).toBe('RequestResponse');
    answer(null);
    expect(await checkBeforeTraffic(event, clients, logger)).toBe('Failed');
    answer({ body: 'ready' });
    expect(await checkBeforeTraffic(event, clients, logger)).toBe('Failed');
    expect(warnings.map((warning) => (warning as [string, { reason: string }])[1].reason)).toEqual([
      'the new version answered nothing to its readiness probe',
      'the new version answered nothing to its readiness probe',
      'the new version answered nothing to its readiness probe',
    ]);
  });

  it('fails when the deployment has no revision, and names a crash with the start of its answer', async () => {
    for (const deploymentInfo of [undefined, {}, { revision: {} }, { revision: { appSpecContent: {} } }]) {
      codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo });
      expect(await checkBeforeTraffic(event, clients, logger)).toBe('Failed');
    }
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(warnings.map((warning) => (warning as [string, { reason: string }])[1].reason)).toEqual(
      Array(4).fill('The deployment names no function and target version'),
    );
    codedeploy
      .on(GetDeploymentCommand)
      .resolves({ deploymentInfo: { revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } } } });
    answer({ errorMessage: 'x'.repeat(400) }, 'Unhandled');
    await checkBeforeTraffic(event, clients, logger);
    const reason = (warnings.at(-1) as [string, { reason: string }])[1].reason;
    expect(reason).toBe(`the new version failed: ${JSON.stringify({ errorMessage: 'x'.repeat(400) }).slice(0, 300)}`);
  });

  it('needs both the function and the target version', () => {
    expect(() => targetOf(`{"Name": "${serviceName}-dev-health"}`)).toThrow('The deployment names no function and target version');
    expect(() => targetOf('{"TargetVersion": "3"}')).toThrow('The deployment names no function and target version');
  });

  it('reads the target from a YAML AppSpec too', () => {
    const yaml = `version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: "${serviceName}-dev-health"\n        Alias: "Live"\n        CurrentVersion: "2"\n        TargetVersion: "3"\n`;
    expect(targetOf(yaml)).toEqual({ functionName: `${serviceName}-dev-health`, version: '3' });
    expect(() => targetOf('{}')).toThrow(/names no function/);
  });
});
