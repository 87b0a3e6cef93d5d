import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

/**
 * A readiness probe of one function version, sent by the pre-traffic hook with a direct invoke.
 * It is a well-formed HTTP API event, so the whole stack runs on it, marked by a top-level field
 * that API Gateway never sets: no client can send one through the API.
 */
export interface ReadinessProbeEvent extends APIGatewayProxyEventV2 {
  readinessProbe: true;
}

export function readinessProbeEvent(): ReadinessProbeEvent {
  const now = Date.now();
  return {
    readinessProbe: true,
    version: '2.0',
    routeKey: 'GET /readiness-probe',
    rawPath: '/readiness-probe',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: 'readiness-probe',
      apiId: 'readiness-probe',
      domainName: 'readiness-probe',
      domainPrefix: 'readiness-probe',
      http: { method: 'GET', path: '/readiness-probe', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'pre-traffic-hook' },
      requestId: `probe-${now}`,
      routeKey: 'GET /readiness-probe',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
  };
}

/**
 * Answers a readiness probe once the route's own dependencies are loaded: 200 after `check` (a
 * database round trip for database routes), or the usual problem response (503) when it fails.
 */
export function readinessProbe<C extends Context>(
  check?: (context: C) => Promise<unknown>,
): middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, C> {
  return {
    before: async (request) => {
      if ((request.event as Partial<ReadinessProbeEvent>).readinessProbe !== true) return undefined;
      await check?.(request.context);
      return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"status":"ready"}' };
    },
  };
}
