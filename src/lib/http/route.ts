import middy from '@middy/core';
import doNotWaitForEmptyEventLoop from '@middy/do-not-wait-for-empty-event-loop';
import httpCors from '@middy/http-cors';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { config } from '../config';
import { logger } from '../logger';
import { metrics } from '../metrics';
import { parseInput, type InputSchemas, type ParsedInput } from './input';
import { problemDetails, requestBody } from './middlewares';
import { readinessProbe } from './readiness';
import { requestMetrics } from './request-metrics';
import type { HttpResult } from './responses';

export type Middleware<C extends Context> = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, C>;

/** The validated input, plus what the route family adds to it (the caller). */
export type RouteInput<O extends InputSchemas, X = unknown> = ParsedInput<O> & X;

/** A route's schemas, and for a route that serves HTML, the page's Content-Security-Policy directives. */
export interface RouteOptions extends InputSchemas {
  contentSecurityPolicy?: Readonly<Record<string, string | false>>;
}

export type RouteHandler<O extends InputSchemas, S, X = unknown> = (input: RouteInput<O, X>, services: S) => Promise<HttpResult>;

/** What a family of routes adds to the stack. */
export interface RouteExtension<C extends Context, S, X = unknown> {
  /** Before the readiness probe: what the probe checks (the database secret). */
  middlewares: Middleware<C>[];
  /** After the probe, before the body is read: who may call (the access token). */
  guards?: Middleware<C>[];
  services: (context: C) => S;
  /** Added to the handler's input (the caller). */
  input?: (context: C) => X;
  ready?: (context: C) => Promise<unknown>;
  /** Runs the handler (`run`), or answers without it: a retry's stored response. */
  execute?: (
    run: () => Promise<HttpResult>,
    request: { event: APIGatewayProxyEventV2; context: C; input: RouteInput<InputSchemas, X> },
  ) => Promise<HttpResult>;
}

const noExtension: RouteExtension<Context, undefined> = { middlewares: [], services: () => undefined };

/**
 * The one middleware stack of every API route: header and event normalisation, security
 * headers, CORS, RFC 9457 errors, the extension's middlewares, the pre-traffic readiness probe,
 * the extension's guards, body limits and JSON parsing, and zod validation.
 */
export function httpRoute<O extends RouteOptions, C extends Context = Context, S = undefined, X = unknown>(
  options: O,
  handler: RouteHandler<O, S, X>,
  extension: RouteExtension<C, S, X> = noExtension as unknown as RouteExtension<C, S, X>,
) {
  const route = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, C>({ timeoutEarlyInMillis: 0 })
    // Before the handler, which is enough: nothing the stack does after it can turn the flag back.
    .use(doNotWaitForEmptyEventLoop())
    // resetKeys: the caller's keys belong to one request's log lines.
    .use(injectLambdaContext(logger, { resetKeys: true }))
    // Published once the response is known: one EMF record per invocation, with the cold start.
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .use(requestMetrics())
    .use(httpHeaderNormalizer())
    .use(httpEventNormalizer())
    // `false` drops one of middy's default directives (its types allow only text).
    .use(
      httpSecurityHeaders(
        options.contentSecurityPolicy && { contentSecurityPolicy: options.contentSecurityPolicy as Record<string, string> },
      ),
    )
    // Preflight requests match no route but the catch-all, which answers them here.
    .use(
      httpCors({
        origins: config.corsOrigins,
        // An origin not in the list is answered with the first allowed one, which grants it nothing. Answering with no
        // header at all would do the same in AWS, but sls offline then reflects the caller's origin.
        getOrigin: (incoming: string) => (config.corsOrigins.includes(incoming) ? incoming : (config.corsOrigins[0] ?? '')),
        disableBeforePreflightResponse: false,
        methods: 'GET,POST,PUT,DELETE,OPTIONS',
        headers: 'Content-Type,Authorization,Idempotency-Key',
        exposeHeaders: 'Location,Retry-After,WWW-Authenticate,Idempotent-Replayed',
        maxAge: 600,
      }),
    )
    .use(problemDetails({ logger }));
  for (const middleware of extension.middlewares) route.use(middleware);
  route.use(readinessProbe(extension.ready));
  for (const guard of extension.guards ?? []) route.use(guard);
  if (options.body) route.use(requestBody()).use(httpJsonBodyParser());
  return route.handler(async (event, context) => {
    const input = { ...parseInput(options, event), ...(extension.input?.(context) as X) } as RouteInput<O, X>;
    const run = () => handler(input, extension.services(context));
    return extension.execute ? extension.execute(run, { event, context, input }) : run();
  });
}
