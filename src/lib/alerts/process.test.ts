import type { Logger } from '@aws-lambda-powertools/logger';
import type { Channel } from './channels';
import { AlertDeliveryError, processPayload } from './process';
import type { Admission } from './window';
import { serviceName } from '../../../test/support/names';

const scope = { service: serviceName, stage: 'dev', region: 'eu-west-1' };
const payload = (errorNames: string[]) => ({
  messageType: 'DATA_MESSAGE',
  logGroup: `/aws/lambda/${serviceName}-dev-testContactsGet`,
  logStream: 'stream',
  logEvents: errorNames.map((errorName, index) => ({
    id: String(index),
    timestamp: Date.UTC(2026, 10, 24),
    message: JSON.stringify({ level: 'ERROR', errorName, error: { message: `${errorName} happened` } }),
  })),
});

/** The function's dependencies, recorded: a window that admits by `admit`, channels that fail with the reason given. */
function dependencies(
  channels: { name: string; fails?: { reason: unknown } }[],
  admit: (key: string, count: number) => Promise<Admission>,
) {
  const sent: { channel: string; subject: string }[] = [];
  const warnings: unknown[][] = [];
  const reopened: string[] = [];
  return {
    sent,
    warnings,
    reopened,
    deps: {
      window: { admit, reopen: async (key: string) => void reopened.push(key) },
      channels: channels.map(({ name, fails }): Channel => ({
        name,
        send: async ({ subject }) => {
          if (fails) throw fails.reason;
          sent.push({ channel: name, subject });
        },
      })),
      scope,
      logger: { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger,
    },
  };
}

const admitAll = async (): Promise<Admission> => ({ send: true, suppressedBefore: 0 });

describe('processPayload', () => {
  it('sends each error name once to every channel, counting what the window holds back', async () => {
    const admitted: [string, number][] = [];
    const { deps, sent, warnings } = dependencies([{ name: 'email' }, { name: 'slack' }], async (key, count) => {
      admitted.push([key, count]);
      return key.endsWith('#Held') ? { send: false, suppressedBefore: 0 } : admitAll();
    });
    expect(await processPayload(payload(['TypeError', 'Held', 'TypeError', 'Held', 'Held']), deps)).toEqual({ sent: 1, suppressed: 3 });
    expect(admitted).toEqual([
      ['testContactsGet#TypeError', 2],
      ['testContactsGet#Held', 3],
    ]);
    expect(sent).toEqual([
      { channel: 'email', subject: `[${serviceName} dev] testContactsGet: TypeError` },
      { channel: 'slack', subject: `[${serviceName} dev] testContactsGet: TypeError` },
    ]);
    expect(warnings).toEqual([]);
  });

  it('names the channel that failed, and why, and still counts the alert as sent by the others', async () => {
    const { deps, sent, warnings, reopened } = dependencies(
      [
        { name: 'email' },
        { name: 'slack', fails: { reason: new Error('Slack answered 500') } },
        { name: 'pager', fails: { reason: undefined } },
      ],
      admitAll,
    );
    expect(await processPayload(payload(['TypeError']), deps)).toEqual({ sent: 1, suppressed: 0 });
    expect(sent.map(({ channel }) => channel)).toEqual(['email']);
    expect(warnings).toEqual([
      [
        'alert delivery failed',
        { alertDeliveryFailed: true, channel: 'slack', key: 'testContactsGet#TypeError', reason: 'Slack answered 500' },
      ],
      ['alert delivery failed', { alertDeliveryFailed: true, channel: 'pager', key: 'testContactsGet#TypeError', reason: undefined }],
    ]);
    expect(reopened).toEqual([]);
  });

  it('fails when no channel delivers, reopening the window so that the retry sends', async () => {
    const { deps, reopened } = dependencies(
      [
        { name: 'email', fails: { reason: new Error('SNS down') } },
        { name: 'slack', fails: { reason: new Error('Slack down') } },
      ],
      admitAll,
    );
    const failure = processPayload(payload(['TypeError']), deps);
    await expect(failure).rejects.toThrow(new AlertDeliveryError('No channel delivered the alert for testContactsGet#TypeError'));
    await expect(failure).rejects.toMatchObject({ name: 'AlertDeliveryError' });
    expect(reopened).toEqual(['testContactsGet#TypeError']);
  });

  it('counts an alert as sent when the stage has no channel at all', async () => {
    const { deps } = dependencies([], admitAll);
    expect(await processPayload(payload(['TypeError']), deps)).toEqual({ sent: 1, suppressed: 0 });
  });

  it('sends without the window when the window cannot be read, and says so', async () => {
    const { deps, sent, warnings } = dependencies([{ name: 'email' }], () => Promise.reject(new Error('DynamoDB down')));
    expect(await processPayload(payload(['TypeError']), deps)).toEqual({ sent: 1, suppressed: 0 });
    expect(sent).toHaveLength(1);
    expect(warnings).toEqual([
      ['alert window unavailable; sending without it', { key: 'testContactsGet#TypeError', reason: 'DynamoDB down' }],
    ]);
  });

  it('ignores control messages', async () => {
    const { deps, sent } = dependencies([{ name: 'email' }], admitAll);
    expect(await processPayload({ ...payload(['TypeError']), messageType: 'CONTROL_MESSAGE' }, deps)).toEqual({ sent: 0, suppressed: 0 });
    expect(sent).toEqual([]);
  });
});
