/**
 * Loopback stand-ins for the two AWS APIs that the release functions call, speaking the protocols
 * the AWS SDK speaks, where moto cannot serve them: its Lambda without Docker echoes payloads
 * instead of running code, and its CodeDeploy lacks the lifecycle hook's status call. The SDK
 * reaches them through its `AWS_ENDPOINT_URL_LAMBDA` and `AWS_ENDPOINT_URL_CODEDEPLOY` variables.
 */
import { startReceiver, type Answer, type Receiver } from './receiver';

export interface StandIn {
  /** The endpoint, for `AWS_ENDPOINT_URL_<SERVICE>`. */
  url: string;
  close(): Promise<void>;
}

const endpoint = (receiver: Receiver): StandIn => ({ url: new URL(receiver.url).origin, close: () => receiver.close() });

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/{name}/invocations`, RequestResponse): each
 * invocation is answered by `invoke` with the function's name as called (a qualifier after `:`)
 * and its payload. When `invoke` throws, the answer is Lambda's for a function that threw: 200,
 * `X-Amz-Function-Error: Unhandled` and the error as the payload.
 */
export async function startLambdaStandIn(
  invoke: (functionName: string, payload: unknown) => Promise<unknown>,
): Promise<StandIn & { invocations: { functionName: string; payload: unknown }[] }> {
  const invocations: { functionName: string; payload: unknown }[] = [];
  const json = { 'content-type': 'application/json' };
  const receiver = await startReceiver(async ({ method, url, body }): Promise<Answer> => {
    const name = /^\/2015-03-31\/functions\/([^/?]+)\/invocations/.exec(url)?.[1];
    if (method !== 'POST' || !name) return { status: 404, headers: json, body: '{"Type":"User","message":"Unknown operation"}' };
    const functionName = decodeURIComponent(name);
    invocations.push({ functionName, payload: body });
    try {
      return {
        status: 200,
        headers: { ...json, 'x-amz-executed-version': '$LATEST' },
        body: JSON.stringify((await invoke(functionName, body)) ?? null),
      };
    } catch (error) {
      const payload = { errorType: 'Error', errorMessage: (error as Error).message };
      return { status: 200, headers: { ...json, 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify(payload) };
    }
  });
  return { ...endpoint(receiver), invocations };
}

/** A lifecycle hook's report to CodeDeploy. */
export interface HookStatus {
  deploymentId: string;
  lifecycleEventHookExecutionId: string;
  status: string;
}

/**
 * CodeDeploy's JSON API, the two calls a pre-traffic hook makes: `GetDeployment` answers the AppSpec
 * given for the deployment, and `PutLifecycleEventHookExecutionStatus` is recorded in `statuses`.
 */
export async function startCodeDeployStandIn(appSpecs: Record<string, string>): Promise<StandIn & { statuses: HookStatus[] }> {
  const statuses: HookStatus[] = [];
  const json = (status: number, value: unknown): Answer => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(value),
  });
  const receiver = await startReceiver(async ({ headers, body }) => {
    const operation = String(headers['x-amz-target']).replace(/^CodeDeploy_20141006\./, '');
    if (operation === 'GetDeployment') {
      const content = appSpecs[body.deploymentId];
      if (content === undefined)
        return json(400, { __type: 'DeploymentDoesNotExistException', message: `${body.deploymentId} does not exist` });
      return json(200, {
        deploymentInfo: { deploymentId: body.deploymentId, revision: { revisionType: 'AppSpecContent', appSpecContent: { content } } },
      });
    }
    if (operation === 'PutLifecycleEventHookExecutionStatus') {
      statuses.push(body);
      return json(200, { lifecycleEventHookExecutionId: body.lifecycleEventHookExecutionId });
    }
    return json(400, { __type: 'UnknownOperationException', message: operation });
  });
  return { ...endpoint(receiver), statuses };
}
