import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { config } from '../config';
import { logger } from '../logger';
import { emailChannel, slackChannel } from './channels';
import { loadAlertsConfig } from './config';
import type { AlertsDependencies } from './process';
import { AlertWindow } from './window';

/** The alerts function's clients and settings, created once per container. */
export const alertsConfig = loadAlertsConfig(process.env);
const window = new AlertWindow(new DynamoDBClient({}), alertsConfig.table, alertsConfig.windowSeconds);
const email = emailChannel(new SNSClient({}), alertsConfig.topicArn);
const scope = { service: config.serviceName, stage: config.stage, region: alertsConfig.region };

/** Email always; Slack when the stage's webhook secret holds a URL. */
export function alertsDependencies(slackWebhookUrl: string | undefined): AlertsDependencies {
  return { window, channels: slackWebhookUrl ? [email, slackChannel(slackWebhookUrl)] : [email], scope, logger };
}
