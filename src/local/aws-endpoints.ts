/** Services that the local stage and the tests stand in for on loopback. */
export type LoopbackService = 'SECRETS_MANAGER' | 'SNS' | 'DYNAMODB' | 'SQS' | 'LAMBDA' | 'CODEDEPLOY';

/**
 * The environment that points the AWS SDK at loopback stand-ins through its own
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, so functions run the same code path as in AWS. The
 * stand-ins check no signature: the credentials are placeholders, not secrets.
 */
export function loopbackAwsEnv(endpoints: Partial<Record<LoopbackService, string>>): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Local functions run on the machine's Node.js 20; in AWS they run on nodejs24.x.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [service, url] of Object.entries(endpoints)) env[`AWS_ENDPOINT_URL_${service}`] = url;
  return env;
}
