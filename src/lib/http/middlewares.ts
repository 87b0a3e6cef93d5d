import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { failureDetails } from '../failure';
import { HttpError, problemResponse } from './problem';

type HttpMiddleware = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

const requestBodyDefaults = Object.freeze({ maxBytes: 64 * 1024 });

/** Rejects a missing body (400) or one over `maxBytes` (413) before anything parses it. */
export function requestBody(options: Partial<typeof requestBodyDefaults> = {}): HttpMiddleware {
  const { maxBytes } = { ...requestBodyDefaults, ...options };
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new TypeError('requestBody: maxBytes must be a positive integer');
  return {
    before: ({ event }) => {
      if (event.body === undefined || event.body === '') throw new HttpError(400, 'A JSON request body is required');
      const size = event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body);
      if (size > maxBytes) throw new HttpError(413, `The request body must be at most ${maxBytes} bytes`);
    },
  };
}

/** Every error becomes an RFC 9457 problem response; unexpected ones are logged with their stack, never returned. */
export function problemDetails({ logger }: { logger: Logger }): HttpMiddleware {
  return {
    onError: (request) => {
      const { response, expected } = problemResponse(request.error);
      if (expected) {
        const cause = request.error?.cause as { code?: string; message?: string } | undefined;
        logger.info('request rejected', {
          statusCode: response.statusCode,
          reason: request.error?.message,
          cause: cause && { code: cause.code, message: cause.message },
        });
      } else logger.error('request failed', { route: request.event.routeKey, ...failureDetails(request.error, request.context) });
      request.response = response;
    },
  };
}
