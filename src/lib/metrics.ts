import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { config } from './config';

/**
 * One Powertools Metrics per container: CloudWatch embedded metric format, written to stdout with
 * the logs and flushed once per invocation (no API call on the request path). Namespace `UsersApi`;
 * dimensions `service` and `stage`, plus `route` per request. Dimensions stay fixed and few: a kind
 * or a cause is in the metric's name, never a user id, an email or a raw path.
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'UsersApi',
  serviceName: config.serviceName,
  defaultDimensions: { stage: config.stage },
});

/** The metrics this service writes, by name. */
export const metricNames = Object.freeze({
  status: { '2': 'Status2xx', '3': 'Status3xx', '4': 'Status4xx', '5': 'Status5xx' } as Record<string, string>,
  databaseRoundTrip: 'DatabaseRoundTrip',
  retry: { credentials: 'RetryCredentialsRefreshed', capacity: 'RetryCapacityBackoff', inFlight: 'RetryInFlightRepeat' },
  unavailable: {
    database: 'Unavailable503Database',
    'token-keys': 'Unavailable503TokenKeys',
    'idempotency-store': 'Unavailable503IdempotencyStore',
  },
  secretFetch: 'SecretFetches',
  alerts: { sent: 'AlertsSent', suppressed: 'AlertsSuppressed' },
});

export function count(name: string, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

export function milliseconds(name: string, value: number): void {
  metrics.addMetric(name, MetricUnit.Milliseconds, value);
}
