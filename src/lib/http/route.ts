import middy from '@middy/core';
import doNotWaitForEmptyEventLoop from '@middy/do-not-wait-for-empty-event-loop';
import httpCors from '@middy/http-cors';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { config } from '../config';
import { logger } from '../logger';
import { parseInput, type InputSchemas, type ParsedInput } from './input';
import { problemDetails, requestBody } from './middlewares';
import { readinessProbe } from './readiness';
import type { HttpResult } from './responses';

type Middleware<C extends Context> = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, C>;

export type RouteHandler<O extends InputSchemas, S> = (input: ParsedInput<O>, services: S) => Promise<HttpResult>;

/** What a family of routes adds to the stack: its middlewares, the services built from their context, and its readiness check. */
export interface RouteExtension<C extends Context, S> {
  middlewares: Middleware<C>[];
  services: (context: C) => S;
  ready?: (context: C) => Promise<unknown>;
}

const noExtension: RouteExtension<Context, undefined> = { middlewares: [], services: () => undefined };

/**
 * The one middleware stack of every API route: header and event normalisation, security
 * headers, CORS, RFC 9457 errors, the extension's middlewares, the pre-traffic readiness probe,
 * body limits and JSON parsing, and zod validation.
 */
export function httpRoute<O extends InputSchemas, C extends Context = Context, S = undefined>(
  options: O,
  handler: RouteHandler<O, S>,
  extension: RouteExtension<C, S> = noExtension as unknown as RouteExtension<C, S>,
) {
  const route = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, C>({ timeoutEarlyInMillis: 0 })
    .use(doNotWaitForEmptyEventLoop({ runOnBefore: true, runOnError: true }))
    .use(injectLambdaContext(logger))
    .use(httpHeaderNormalizer())
    .use(httpEventNormalizer())
    .use(httpSecurityHeaders())
    // Preflight requests match no route but the catch-all, which answers them here.
    .use(
      httpCors({
        origins: config.corsOrigins,
        // An origin not in the list is answered with the first allowed one, which grants it nothing. Answering with no
        // header at all would do the same in AWS, but sls offline then reflects the caller's origin.
        getOrigin: (incoming: string) => (config.corsOrigins.includes(incoming) ? incoming : (config.corsOrigins[0] ?? '')),
        disableBeforePreflightResponse: false,
        methods: 'GET,POST,PUT,DELETE,OPTIONS',
        headers: 'Content-Type,Authorization',
        exposeHeaders: 'Location,Retry-After',
        maxAge: 600,
      }),
    )
    .use(problemDetails({ logger }));
  for (const middleware of extension.middlewares) route.use(middleware);
  route.use(readinessProbe(extension.ready));
  if (options.body) route.use(requestBody()).use(httpJsonBodyParser());
  return route.handler(async (event, context) => handler(parseInput(options, event), extension.services(context)));
}
