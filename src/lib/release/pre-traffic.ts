import { GetDeploymentCommand, PutLifecycleEventHookExecutionStatusCommand, type CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { readinessProbeEvent } from '../http/readiness';

/** What CodeDeploy sends a lifecycle hook. */
export interface HookEvent {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}

export interface TargetVersion {
  functionName: string;
  version: string;
}

const field = (content: string, name: string) => new RegExp(`"?${name}"?\\s*:\\s*"?([^",\\s}]+)`).exec(content)?.[1];

/** The function and new version that a Lambda deployment's AppSpec (JSON or YAML) names. */
export function targetOf(appSpec: string): TargetVersion {
  const functionName = field(appSpec, 'Name');
  const version = field(appSpec, 'TargetVersion');
  if (!functionName || !version) throw new Error('The deployment names no function and target version');
  return { functionName, version };
}

/** Invokes the new version with a readiness probe; throws unless it answers 200. */
export async function probe(lambda: LambdaClient, target: TargetVersion): Promise<void> {
  const result = await lambda.send(
    new InvokeCommand({
      FunctionName: `${target.functionName}:${target.version}`,
      InvocationType: 'RequestResponse',
      Payload: Buffer.from(JSON.stringify(readinessProbeEvent())),
    }),
  );
  const payload = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
  if (result.FunctionError) throw new Error(`the new version failed: ${payload.slice(0, 300)}`);
  const statusCode = (JSON.parse(payload || 'null') as { statusCode?: number } | null)?.statusCode;
  if (statusCode !== 200) throw new Error(`the new version answered ${statusCode ?? 'nothing'} to its readiness probe`);
}

/**
 * CodeDeploy's pre-traffic hook: probes the version about to take traffic and reports Succeeded
 * or Failed. A Failed report stops the deployment before any traffic moves, and CloudFormation
 * rolls the release back.
 */
export async function checkBeforeTraffic(
  event: HookEvent,
  clients: { codedeploy: CodeDeployClient; lambda: LambdaClient },
  logger: Logger,
): Promise<'Succeeded' | 'Failed'> {
  let status: 'Succeeded' | 'Failed' = 'Succeeded';
  try {
    const { deploymentInfo } = await clients.codedeploy.send(new GetDeploymentCommand({ deploymentId: event.DeploymentId }));
    // Stryker disable next-line StringLiteral: any text without the two fields fails the same way
    const target = targetOf(deploymentInfo?.revision?.appSpecContent?.content ?? '');
    await probe(clients.lambda, target);
    logger.info('new version ready', { ...target, deploymentId: event.DeploymentId });
  } catch (error) {
    status = 'Failed';
    logger.warn('new version not ready: the deployment stops', { deploymentId: event.DeploymentId, reason: (error as Error).message });
  }
  await clients.codedeploy.send(
    new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status,
    }),
  );
  return status;
}
