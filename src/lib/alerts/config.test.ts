import { fresh } from '../../../test/support/fresh';
import { loadAlertsConfig } from './config';
import { serviceName } from '../../../test/support/names';

const required = {
  ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:1:t',
  ALERTS_TABLE: 'alerts',
  SLACK_WEBHOOK_SECRET_ID: `${serviceName}/dev/slack`,
};

describe('loadAlertsConfig', () => {
  it('reads the topic, table, secret id, window and region', () => {
    expect(loadAlertsConfig({ ...required, ALERT_WINDOW_SECONDS: '60', AWS_REGION: 'us-east-1' })).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:1:t',
      table: 'alerts',
      slackSecretId: `${serviceName}/dev/slack`,
      windowSeconds: 60,
      region: 'us-east-1',
    });
  });

  it('defaults to a 5-minute window in eu-west-1', () => {
    // Loaded afresh: the defaults are part of the schema, which the module builds when it loads.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { loadAlertsConfig: load } = fresh(() => require('./config') as typeof import('./config'));
    expect(load(required)).toMatchObject({ windowSeconds: 300, region: 'eu-west-1' });
  });

  it.each([
    ['ALERTS_TOPIC_ARN', ''],
    ['ALERTS_TABLE', ''],
    ['SLACK_WEBHOOK_SECRET_ID', ''],
    ['ALERT_WINDOW_SECONDS', '0'],
    ['ALERT_WINDOW_SECONDS', '1.5'],
  ])('rejects %s=%s and names the variable, not its value', (name, value) => {
    expect(() => loadAlertsConfig({ ...required, [name]: value })).toThrow(new RegExp(`^Invalid alerts configuration: ${name}$`));
  });
});
