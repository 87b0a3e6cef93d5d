import { slackChannel } from './channels';
import { webhookUrlFrom } from './slack-webhook';

describe('the Slack webhook', () => {
  it('reads the URL from the secret, as JSON or as a plain string', () => {
    expect(webhookUrlFrom({ webhookUrl: ' https://hooks.slack.com/services/T/B/x ' })).toBe('https://hooks.slack.com/services/T/B/x');
    expect(webhookUrlFrom('https://hooks.slack.com/services/T/B/y')).toBe('https://hooks.slack.com/services/T/B/y');
  });

  it('turns Slack off for an empty, missing or non-URL secret', () => {
    for (const secret of [undefined, '', { webhookUrl: '' }, { webhookUrl: 42 }, 'hooks.slack.com', { url: 'https://x' }]) {
      expect(webhookUrlFrom(secret)).toBeUndefined();
    }
  });

  it('refuses a channel whose webhook is not an http(s) URL', () => {
    expect(() => slackChannel('ftp://example.com')).toThrow(TypeError);
    expect(slackChannel('https://hooks.slack.com/x').name).toBe('slack');
  });
});
