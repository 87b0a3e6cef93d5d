import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { UnavailableError } from '../errors';
import { count, metricNames, metrics } from '../metrics';

/**
 * Counts each response by its status class, and each 503 by the dependency that caused it, with
 * the route (API Gateway's route key: a fixed set) as a dimension. Runs after the error mapping,
 * so a failure is counted by the status the client got.
 */
export function requestMetrics(): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  const record = (request: middy.Request<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>) => {
    const status = request.response?.statusCode ?? 500;
    count(metricNames.status[String(status)[0]!] ?? metricNames.status['5']!);
    // problemDetails answers every UnavailableError with 503.
    if (request.error instanceof UnavailableError) count(metricNames.unavailable[request.error.cause503]);
  };
  return {
    before: ({ event }) => {
      // A new invocation's dimension (publishing clears them; a run with metrics disabled does not).
      metrics.clearDimensions();
      metrics.addDimension('route', event.routeKey ?? 'unknown');
    },
    after: record,
    onError: record,
  };
}
