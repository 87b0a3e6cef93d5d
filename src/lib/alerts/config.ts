import * as z from 'zod/mini';
import { parseEnvironment, text, wholeNumber } from '../environment';

const environmentSchema = z.object({
  ALERTS_TOPIC_ARN: text(),
  ALERTS_TABLE: text(),
  SLACK_WEBHOOK_SECRET_ID: text(),
  // One alert per function and error name per window; the rest of the burst is counted.
  ALERT_WINDOW_SECONDS: z._default(wholeNumber(), 300),
  AWS_REGION: z._default(text(), 'eu-west-1'),
});

export type AlertsConfig = ReturnType<typeof loadAlertsConfig>;

/** The alerts function's own settings, from serverless `params` through its environment. */
export function loadAlertsConfig(env: NodeJS.ProcessEnv) {
  const e = parseEnvironment(environmentSchema, env, 'alerts configuration');
  return Object.freeze({
    topicArn: e.ALERTS_TOPIC_ARN,
    table: e.ALERTS_TABLE,
    slackSecretId: e.SLACK_WEBHOOK_SECRET_ID,
    windowSeconds: e.ALERT_WINDOW_SECONDS,
    region: e.AWS_REGION,
  });
}

/** Each of the two attempts at a call to DynamoDB, SNS or Secrets Manager. */
export const alertsRequestTimeoutMs = 2000;
