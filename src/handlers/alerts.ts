import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { parser } from '@aws-lambda-powertools/parser/middleware';
import { CloudWatchLogsSchema } from '@aws-lambda-powertools/parser/schemas/cloudwatch';
import type { z } from 'zod';
import { processPayload, type AlertsOutcome } from '../lib/alerts/process';
import { alertsConfig, alertsDependencies } from '../lib/alerts/service';
import { slackWebhook, webhookUrlFrom, type SlackContext } from '../lib/alerts/slack-webhook';
import { eventFunction } from '../lib/events/event-function';
import { logger } from '../lib/logger';
import { count, metricNames, metrics } from '../lib/metrics';

/** A CloudWatch Logs subscription delivery: the API functions' error lines, grouped and sent by email and Slack. */
export const handler = eventFunction<z.infer<typeof CloudWatchLogsSchema>, AlertsOutcome, SlackContext>(
  async (event, context) => {
    const outcome = await processPayload(event.awslogs.data, alertsDependencies(webhookUrlFrom(context.slackWebhook)));
    logger.info('alerts processed', { ...outcome, logGroup: event.awslogs.data.logGroup });
    count(metricNames.alerts.sent, outcome.sent);
    count(metricNames.alerts.suppressed, outcome.suppressed);
    return outcome;
  },
  {
    // Its failures are counted by an alarm, never matched by a subscription.
    failureLevel: 'warn',
    middlewares: [
      logMetrics(metrics) as never,
      parser({ schema: CloudWatchLogsSchema }) as never,
      slackWebhook(alertsConfig.slackSecretId) as never,
    ],
  },
);
