import { formatAlert, functionNameOf, groupAlerts, type LogsPayload } from './alert';
import { serviceName } from '../../../test/support/names';

const scope = { service: serviceName, stage: 'prod', region: 'eu-west-1' };
const line = (errorName: string, requestId?: string, message = `${errorName} happened`) =>
  JSON.stringify({ level: 'ERROR', errorName, function_request_id: requestId, error: { message } });
const payload = (messages: string[]): LogsPayload => ({
  messageType: 'DATA_MESSAGE',
  logGroup: `/aws/lambda/${serviceName}-prod-testContactsCreate`,
  logStream: '2026/11/23/[12]abc',
  logEvents: messages.map((message, index) => ({ id: String(index), timestamp: Date.UTC(2026, 10, 23, 12, 0, index), message })),
});

describe('alerts', () => {
  it("names the function from its log group, and keeps another service's group whole", () => {
    expect(functionNameOf(`/aws/lambda/${serviceName}-prod-testContactsCreate`, scope)).toBe('testContactsCreate');
    expect(functionNameOf('/aws/lambda/other-prod-x', scope)).toBe('other-prod-x');
    expect(functionNameOf(`/custom/aws/lambda/${serviceName}-prod-x`, scope)).toBe(`/custom/aws/lambda/${serviceName}-prod-x`);
  });

  it('groups events by error name in order of first appearance, counting them and keeping each request id once', () => {
    const alerts = groupAlerts(payload([line('B', 'r1', 'first B'), line('A', 'r2'), line('B', 'r1'), line('B', 'r3'), line('B')]), scope);
    expect(alerts.map(({ errorName, count, requestIds, message }) => ({ errorName, count, requestIds, message }))).toEqual([
      { errorName: 'B', count: 4, requestIds: ['r1', 'r3'], message: 'first B' },
      { errorName: 'A', count: 1, requestIds: ['r2'], message: 'A happened' },
    ]);
    expect(alerts[0]).toMatchObject({ functionName: 'testContactsCreate', firstAt: Date.UTC(2026, 10, 23, 12, 0, 0) });
  });

  it('formats a message with the count, the first message, ten request ids and the links', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    const [alert] = groupAlerts(payload(ids.map((id) => line('TypeError', id))), scope);
    const { subject, text } = formatAlert(alert!, scope);
    expect(subject).toBe(`[${serviceName} prod] testContactsCreate: TypeError`);
    expect(text.split('\n')).toEqual([
      `[${serviceName} prod] testContactsCreate: TypeError (12 errors)`,
      'First: TypeError happened',
      'At: 2026-11-23T12:00:00.000Z',
      'Request ids: r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 (+2 more)',
      `Log stream: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Flambda$252F${serviceName}-prod-testContactsCreate/log-events/2026$252F11$252F23$252F$255B12$255Dabc`,
      `Logs Insights on /aws/lambda/${serviceName}-prod-testContactsCreate: fields @timestamp, @requestId, @message | filter errorName = "TypeError" or errorType = "TypeError" | sort @timestamp desc | limit 50`,
    ]);
  });

  it('says how many the previous window held back, and nothing when none were', () => {
    const [alert] = groupAlerts(payload([line('E')]), scope);
    expect(formatAlert(alert!, scope, 41).text).toContain('Since the previous alert, 41 more of this error were counted and not sent.');
    expect(formatAlert(alert!, scope, 0).text).not.toContain('previous alert');
    expect(formatAlert(alert!, scope).text).toContain('(1 error)');
    expect(formatAlert({ ...alert!, requestIds: [] }, scope).text.split('\n')).toContain('Request ids: none logged');
    const ten = Array.from({ length: 10 }, (_, i) => `r${i}`);
    expect(formatAlert({ ...alert!, requestIds: ten }, scope).text.split('\n')).toContain(`Request ids: ${ten.join(', ')}`);
  });

  it('keeps the SNS subject within 100 characters', () => {
    const [alert] = groupAlerts(payload([line('N'.repeat(150))]), scope);
    const { subject } = formatAlert(alert!, scope);
    expect(subject).toHaveLength(100);
    expect(subject.endsWith('…')).toBe(true);
    // A name that makes a subject of exactly 100 characters is kept whole.
    const prefix = `[${serviceName} prod] testContactsCreate: `;
    const [fits] = groupAlerts(payload([line('F'.repeat(100 - prefix.length))]), scope);
    expect(formatAlert(fits!, scope).subject).toBe(`${prefix}${'F'.repeat(100 - prefix.length)}`);
  });
});
