import { startReceiver, type Receiver } from '../../../test/support/receiver';
import { slackChannel } from './channels';

describe('the Slack channel', () => {
  let slack: Receiver;
  beforeAll(async () => {
    slack = await startReceiver();
  });
  afterAll(() => slack.close());

  it('posts the text as JSON to the webhook', async () => {
    await slackChannel(slack.url).send({ subject: 'subject', text: 'line 1\nline 2' });
    expect(slack.bodies).toEqual([{ text: 'line 1\nline 2' }]);
    expect(slack.headers[0]!['content-type']).toBe('application/json');
  });

  it("fails with Slack's status when the webhook refuses the post", async () => {
    slack.status = 500;
    try {
      await expect(slackChannel(slack.url).send({ subject: 's', text: 't' })).rejects.toThrow(/^Slack answered 500$/);
    } finally {
      slack.status = 200;
    }
  });

  it('takes only an http(s) URL', () => {
    for (const url of ['ftp://hooks.slack.com/x', 'file:///etc/passwd', 'javascript:https://hooks.slack.com', 'hooks.slack.com/x']) {
      expect(() => slackChannel(url)).toThrow(new TypeError('slackChannel: the webhook must be an http(s) URL'));
    }
    expect(() => slackChannel('https://hooks.slack.com/services/T/B/x')).not.toThrow();
  });
});
