import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';

let sequence = 0;

/** A CloudWatch Logs subscription delivery as Lambda receives it: gzip, then base64. */
export function logsEvent(
  logGroup: string,
  messages: string[],
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE' = 'DATA_MESSAGE',
): CloudWatchLogsEvent {
  const payload = {
    messageType,
    owner: messageType === 'CONTROL_MESSAGE' ? 'CloudwatchLogs' : '123456789012',
    logGroup: messageType === 'CONTROL_MESSAGE' ? '' : logGroup,
    logStream: messageType === 'CONTROL_MESSAGE' ? '' : '2026/11/23/[3]0123456789abcdef',
    subscriptionFilters: messageType === 'CONTROL_MESSAGE' ? [] : ['errors-to-alerts'],
    logEvents: messages.map((message) => ({ id: String((sequence += 1)), timestamp: Date.now(), message })),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } };
}

/** What Lambda writes when a function times out, in the JSON log format. */
export const timeoutReport = (requestId: string) =>
  JSON.stringify({
    time: new Date().toISOString(),
    type: 'platform.report',
    record: { requestId, metrics: { durationMs: 10000.5, billedDurationMs: 10000 }, status: 'timeout' },
  });
