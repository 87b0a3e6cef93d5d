import { z } from 'zod';
import { parseEnvironment } from '../config';

const environmentSchema = z.object({
  ALERTS_TOPIC_ARN: z.string().min(1),
  ALERTS_TABLE: z.string().min(1),
  SLACK_WEBHOOK_SECRET_ID: z.string().min(1),
  // One alert per function and error name per window; the rest of the burst is counted.
  ALERT_WINDOW_SECONDS: z.coerce.number().int().positive().default(300),
  AWS_REGION: z.string().min(1).default('eu-west-1'),
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
