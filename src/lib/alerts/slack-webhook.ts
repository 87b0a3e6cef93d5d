import type middy from '@middy/core';
import secretsManager from '@middy/secrets-manager';
import { middySecretsClient } from '../secrets-manager';
import type { Context } from 'aws-lambda';
import { boundedRequests } from '../aws-requests';
import { logger } from '../logger';
import { alertsRequestTimeoutMs } from './config';

export interface SlackContext extends Context {
  /** The webhook secret as fetched by @middy/secrets-manager: `{"webhookUrl": "https://hooks.slack.com/..."}`. */
  slackWebhook?: unknown;
}

/**
 * Injects the Slack webhook secret with @middy/secrets-manager, fetched on every invocation
 * (alerts are rare, and a changed webhook applies at once). A failed fetch must not stop the
 * email, so it leaves the context without a webhook and logs a warning.
 */
export function slackWebhook(secretId: string): middy.MiddlewareObj<unknown, unknown, Error, SlackContext> {
  const fetchSecret = secretsManager({
    AwsClient: middySecretsClient,
    awsClientOptions: boundedRequests(alertsRequestTimeoutMs),
    fetchData: { slackWebhook: secretId },
    // Stryker disable next-line StringLiteral: any name serves; the cache expires at once.
    cacheKey: 'slack-webhook',
    cacheExpiry: 0,
    disablePrefetch: true,
    setToContext: true,
  });
  return {
    before: async (request) => {
      try {
        await fetchSecret.before!(request as never);
      } catch (error) {
        logger.warn('Slack webhook secret could not be fetched; alerts go by email only', {
          alertDeliveryFailed: true,
          channel: 'slack',
          reason: fetchFailure(error as Error),
        });
        request.context.slackWebhook = undefined;
      }
    },
  };
}

/** Why the fetch failed: middy reports "Failed to resolve internal values", with the fetch's own error as its cause. */
export function fetchFailure(error: Error): string {
  const failed = (error.cause as { data?: unknown } | undefined)?.data;
  return Array.isArray(failed)
    ? failed.map((reason) => (reason instanceof Error ? reason.message : String(reason))).join('; ')
    : error.message;
}

/** The webhook URL in the secret, or undefined when none is set (Slack is then off). */
export function webhookUrlFrom(secret: unknown): string | undefined {
  const url = typeof secret === 'string' ? secret : (secret as { webhookUrl?: unknown } | undefined)?.webhookUrl;
  return typeof url === 'string' && /^https?:\/\//.test(url.trim()) ? url.trim() : undefined;
}
