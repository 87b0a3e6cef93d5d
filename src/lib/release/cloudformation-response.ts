import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

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
