import middy from '@middy/core';
import doNotWaitForEmptyEventLoop from '@middy/do-not-wait-for-empty-event-loop';
import httpCors from '@middy/http-cors';
import httpEventNormalizer from '@middy/http-event-normalizer';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config } from '../config';
import { logger } from '../logger';
import { databaseFrom, databaseSecret, type DatabaseContext } from '../db/access';
import type { Database } from '../db/database';
import { PostgresUsersRepository } from '../users/postgres';
import type { UsersRepository } from '../users/model';
import { parseInput, type InputSchemas, type ParsedInput } from './input';
import { problemDetails, requestBody } from './middlewares';
import type { HttpResult } from './responses';

export interface RouteOptions extends InputSchemas {
  /** The route talks to the database: its secret is fetched and a pooled connection is made available. */
  database?: boolean;
}

/** What a route handler may use besides its input; built on demand from the invocation's context. */
export interface Services {
  readonly db: Database;
  readonly users: UsersRepository;
}

export type RouteHandler<O extends RouteOptions> = (input: ParsedInput<O>, services: Services) => Promise<HttpResult>;

function servicesFor(context: DatabaseContext): Services {
  return {
    get db() {
      return databaseFrom(context);
    },
    get users() {
      return new PostgresUsersRepository(databaseFrom(context));
    },
  };
}

/**
 * The one middleware stack of every API route: header and event normalisation, body limits and
 * JSON parsing, zod validation, security headers, CORS and RFC 9457 errors.
 */
export function httpRoute<O extends RouteOptions>(options: O, handler: RouteHandler<O>) {
  const route = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, DatabaseContext>({
    timeoutEarlyInMillis: 0,
  })
    .use(doNotWaitForEmptyEventLoop({ runOnBefore: true, runOnError: true }))
    .use(injectLambdaContext(logger))
    .use(httpHeaderNormalizer())
    .use(httpEventNormalizer())
    .use(httpSecurityHeaders())
    .use(httpCors({ origins: config.corsOrigins }))
    .use(problemDetails({ logger }));
  if (options.body) route.use(requestBody()).use(httpJsonBodyParser());
  if (options.database) route.use(databaseSecret());
  return route.handler(async (event, context) => handler(parseInput(options, event), servicesFor(context)));
}
