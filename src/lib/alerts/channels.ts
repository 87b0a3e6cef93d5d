import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

export interface AlertMessage {
  subject: string;
  text: string;
}

/** Somewhere an alert goes. Each one fails on its own: the others still deliver. */
export interface Channel {
  readonly name: string;
  send(message: AlertMessage): Promise<void>;
}

/** The stage's SNS topic, which mails its subscribers (the `alertEmails` of the stage's params). */
export function emailChannel(sns: SNSClient, topicArn: string): Channel {
  return {
    name: 'email',
    send: async ({ subject, text }) => {
      await sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: text }));
    },
  };
}

const slackDefaults = Object.freeze({ timeoutMs: 3000 });

/** A Slack incoming webhook. */
export function slackChannel(webhookUrl: string, options: Partial<typeof slackDefaults> = {}): Channel {
  const { timeoutMs } = { ...slackDefaults, ...options };
  if (!/^https?:\/\//.test(webhookUrl)) throw new TypeError('slackChannel: the webhook must be an http(s) URL');
  return {
    name: 'slack',
    send: async ({ text }) => {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection is released; the webhook's answer is plain text.
      await response.text();
      if (!response.ok) throw new Error(`Slack answered ${response.status}`);
    },
  };
}
