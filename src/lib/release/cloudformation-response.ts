import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { eventFunction } from '../events/event-function';
import { failureDetails } from '../failure';
import { logger } from '../logger';

export interface CustomResourceResult {
  status: 'SUCCESS' | 'FAILED';
  /** Shown in the stack's events when the status is FAILED. */
  reason?: string;
  data?: Record<string, string | number>;
}

const defaults = Object.freeze({ timeoutMs: 10_000 });

/**
 * Answers CloudFormation for a custom resource: a PUT of the result to the request's pre-signed
 * S3 URL. (`@middy/cloudformation-response` exists only for middy 7, which needs Node.js 22.)
 */
export async function respondToCloudFormation(
  event: CloudFormationCustomResourceEvent,
  physicalResourceId: string,
  result: CustomResourceResult,
  options: Partial<typeof defaults> = {},
): Promise<void> {
  const { timeoutMs } = { ...defaults, ...options };
  const body = JSON.stringify({
    Status: result.status,
    Reason: (result.reason ?? '').slice(0, 1000) || undefined,
    PhysicalResourceId: physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: result.data,
  });
  // The URL is signed for an empty content type.
  const response = await fetch(event.ResponseURL, {
    method: 'PUT',
    headers: { 'content-type': '' },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.text();
  if (!response.ok) throw new Error(`CloudFormation's response URL answered ${response.status}`);
}

/**
 * A custom resource's function: on create and update it runs `apply` and answers CloudFormation
 * with its data, or FAILED (logged as `failureMessage`) when it throws; deleting answers SUCCESS
 * and changes nothing. The failure is answered, not thrown: a thrown error would make Lambda
 * retry the whole deploy step.
 */
export function customResourceFunction(
  failureMessage: string,
  apply: (event: CloudFormationCustomResourceEvent) => Promise<CustomResourceResult['data']>,
) {
  return eventFunction<CloudFormationCustomResourceEvent, CustomResourceResult>(async (event, context: Context) => {
    const physicalResourceId =
      'PhysicalResourceId' in event ? event.PhysicalResourceId : `${event.LogicalResourceId}-${event.StackId.split('/')[1]}`;
    let result: CustomResourceResult = { status: 'SUCCESS' };
    if (event.RequestType !== 'Delete') {
      try {
        result = { status: 'SUCCESS', data: await apply(event) };
      } catch (error) {
        logger.error(failureMessage, failureDetails(error, context));
        result = { status: 'FAILED', reason: (error as Error).message };
      }
    }
    await respondToCloudFormation(event, physicalResourceId, result);
    return result;
  });
}
