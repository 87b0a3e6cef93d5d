import { lambdaContext } from '../../../test/support/events';
import { withEnv } from '../../../test/support/fresh';
import { logger } from '../logger';
import { fetchFailure, slackWebhook, webhookUrlFrom } from './slack-webhook';
import { serviceName } from '../../../test/support/names';

describe('the Slack webhook', () => {
  it('reads the URL from the secret, as JSON or as a plain string', () => {
    expect(webhookUrlFrom({ webhookUrl: ' https://hooks.slack.com/services/T/B/x ' })).toBe('https://hooks.slack.com/services/T/B/x');
    expect(webhookUrlFrom('https://hooks.slack.com/services/T/B/y')).toBe('https://hooks.slack.com/services/T/B/y');
  });

  it('turns Slack off for an empty, missing or non-URL secret', () => {
    for (const secret of [
      undefined,
      '',
      { webhookUrl: '' },
      { webhookUrl: 42 },
      'hooks.slack.com',
      'javascript:https://x',
      { url: 'https://x' },
    ]) {
      expect(webhookUrlFrom(secret)).toBeUndefined();
    }
  });

  it('leaves Slack off, saying why at WARN, when the secret cannot be fetched', async () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const request = {
      event: {},
      context: { ...lambdaContext(), slackWebhook: 'from before' },
      response: undefined,
      error: undefined,
      internal: {},
    };
    try {
      // A closed port: the fetch fails at once.
      await withEnv(
        {
          AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9',
          AWS_REGION: 'eu-west-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
        },
        () => slackWebhook(`${serviceName}-dev-slack-webhook`).before!(request as never),
      );
    } finally {
      jest.restoreAllMocks();
    }
    expect(request.context.slackWebhook).toBeUndefined();
    expect(warn.mock.calls).toEqual([
      [
        'Slack webhook secret could not be fetched; alerts go by email only',
        { alertDeliveryFailed: true, channel: 'slack', reason: expect.stringMatching(/ECONNREFUSED/) },
      ],
    ]);
  });

  it("names the fetch's own errors inside middy's, and a plain error by its message", () => {
    const internal = new Error('Failed to resolve internal values', {
      cause: { package: '@middy/util', data: [new Error('connect ECONNREFUSED'), 'throttled'] },
    });
    expect(fetchFailure(internal)).toBe('connect ECONNREFUSED; throttled');
    expect(fetchFailure(new Error('plain'))).toBe('plain');
  });
});
