import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { boundedRequests } from '../aws-requests';
import { config } from '../config';
import { logger } from '../logger';
import { emailChannel, slackChannel } from './channels';
import { alertsRequestTimeoutMs, loadAlertsConfig } from './config';
import type { AlertsDependencies } from './process';
import { AlertWindow } from './window';

/** The alerts function's clients and settings, created once per container. */
export const alertsConfig = loadAlertsConfig(process.env);
// Bounded, so that a dependency that hangs costs seconds, not the function's timeout (and the subscription's retry).
const requests = boundedRequests(alertsRequestTimeoutMs);
const window = new AlertWindow(new DynamoDBClient(requests), alertsConfig.table, alertsConfig.windowSeconds);
const email = emailChannel(new SNSClient(requests), alertsConfig.topicArn);
const scope = { service: config.serviceName, stage: config.stage, region: alertsConfig.region };

/** Email always; Slack when the stage's webhook secret holds a URL. */
export function alertsDependencies(slackWebhookUrl: string | undefined): AlertsDependencies {
  return { window, channels: slackWebhookUrl ? [email, slackChannel(slackWebhookUrl)] : [email], scope, logger };
}
