import { describeFailure } from './logged-failure';

/** A CloudWatch Logs subscription payload, decoded (see the Powertools parser's CloudWatchLogsSchema). */
export interface LogsPayload {
  messageType: string;
  logGroup: string;
  logStream: string;
  logEvents: { id: string; timestamp: number; message: string }[];
}

/** The errors of one name from one function in one payload. */
export interface Alert {
  functionName: string;
  logGroup: string;
  logStream: string;
  errorName: string;
  /** The first event's message. */
  message: string;
  count: number;
  requestIds: string[];
  firstAt: number;
}

export interface AlertScope {
  service: string;
  stage: string;
  region: string;
}

const shownRequestIds = 10;

/** `/aws/lambda/parcel-desk-dev-ordersGet` is the function `ordersGet`. */
export function functionNameOf(logGroup: string, scope: AlertScope): string {
  const name = logGroup.replace(/^\/aws\/lambda\//, '');
  const prefix = `${scope.service}-${scope.stage}-`;
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** One alert per error name of the payload, in the order the names first appear. */
export function groupAlerts(payload: LogsPayload, scope: AlertScope): Alert[] {
  const alerts = new Map<string, Alert>();
  for (const event of payload.logEvents) {
    const failure = describeFailure(event.message);
    let alert = alerts.get(failure.errorName);
    if (!alert) {
      alert = {
        functionName: functionNameOf(payload.logGroup, scope),
        logGroup: payload.logGroup,
        logStream: payload.logStream,
        errorName: failure.errorName,
        message: failure.message,
        count: 0,
        requestIds: [],
        firstAt: event.timestamp,
      };
      alerts.set(failure.errorName, alert);
    }
    alert.count += 1;
    if (failure.requestId && !alert.requestIds.includes(failure.requestId)) alert.requestIds.push(failure.requestId);
  }
  return [...alerts.values()];
}

// The CloudWatch console escapes path parts twice, with `$` for `%`.
const consolePart = (value: string) => encodeURIComponent(encodeURIComponent(value)).replace(/%/g, '$');

export function logStreamLink(alert: Alert, region: string): string {
  return (
    `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/` +
    `${consolePart(alert.logGroup)}/log-events/${consolePart(alert.logStream)}`
  );
}

export function insightsQuery(alert: Alert): string {
  const name = JSON.stringify(alert.errorName);
  return `fields @timestamp, @requestId, @message | filter errorName = ${name} or errorType = ${name} | sort @timestamp desc | limit 50`;
}

/** The text both channels send. `suppressedBefore`: how many of this error the previous window counted but did not send. */
export function formatAlert(alert: Alert, scope: AlertScope, suppressedBefore = 0): { subject: string; text: string } {
  const subject = `[${scope.service} ${scope.stage}] ${alert.functionName}: ${alert.errorName}`;
  const ids = alert.requestIds.slice(0, shownRequestIds).join(', ');
  const more = alert.requestIds.length > shownRequestIds ? ` (+${alert.requestIds.length - shownRequestIds} more)` : '';
  const lines = [
    `${subject} (${alert.count} ${alert.count === 1 ? 'error' : 'errors'})`,
    `First: ${alert.message}`,
    `At: ${new Date(alert.firstAt).toISOString()}`,
    `Request ids: ${ids || 'none logged'}${more}`,
    `Log stream: ${logStreamLink(alert, scope.region)}`,
    `Logs Insights on ${alert.logGroup}: ${insightsQuery(alert)}`,
  ];
  if (suppressedBefore > 0) lines.push(`Since the previous alert, ${suppressedBefore} more of this error were counted and not sent.`);
  // SNS subjects: at most 100 characters.
  return { subject: subject.length > 100 ? `${subject.slice(0, 99)}…` : subject, text: lines.join('\n') };
}
