import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { failureDetails } from '../failure';
import { HttpError, problemResponse } from './problem';

type HttpMiddleware = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

export const requestBodyDefaults = Object.freeze({ maxBytes: 64 * 1024 });

/** `application/json` or `application/<anything>+json`, in any case. */
const jsonMediaType = /^application\/([!#$%&'*.^`|~\w-]+\+)?json$/;

/** The media type and the charset parameter of a Content-Type header (RFC 9110: type and parameter names in any case). */
function parseContentType(header: string | undefined): { mediaType: string; charset?: string } | undefined {
  if (!header) return undefined;
  const [type = '', ...parameters] = header.split(';');
  const mediaType = type.trim().toLowerCase();
  let charset: string | undefined;
  for (const parameter of parameters) {
    const separator = parameter.indexOf('=');
    if (separator < 0) continue;
    if (parameter.slice(0, separator).trim().toLowerCase() === 'charset') {
      charset = parameter
        .slice(separator + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase();
    }
  }
  return { mediaType, charset };
}

/**
 * The framing of a JSON request, checked before anything parses the body: a body is present
 * (400), at most `maxBytes` (413), not content-encoded, and JSON in UTF-8 (415). The media type
 * compares in any case; the header is then rewritten to its canonical form for the JSON parser.
 */
export function requestBody(options: Partial<typeof requestBodyDefaults> = {}): HttpMiddleware {
  const { maxBytes } = { ...requestBodyDefaults, ...options };
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new TypeError('requestBody: maxBytes must be a positive integer');
  return {
    before: ({ event }) => {
      // sls offline sends `null` for an empty request; API Gateway leaves the field out.
      if (event.body === undefined || event.body === null || event.body === '') throw new HttpError(400, 'A JSON request body is required');
      // sls offline passes a JSON body that parses to false or 0 as that value rather than as text; API Gateway always sends text.
      if (typeof event.body !== 'string') event.body = JSON.stringify(event.body);
      const size = event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body);
      if (size > maxBytes) throw new HttpError(413, `The request body must be at most ${maxBytes} bytes`);
      const encoding = event.headers?.['content-encoding']?.trim().toLowerCase();
      if (encoding && encoding !== 'identity') throw new HttpError(415, 'The request body must not be content-encoded (Content-Encoding)');
      const contentType = parseContentType(event.headers?.['content-type']);
      if (!contentType || !jsonMediaType.test(contentType.mediaType)) {
        throw new HttpError(415, 'The request body must be JSON (Content-Type: application/json)');
      }
      if (contentType.charset !== undefined && contentType.charset !== 'utf-8') {
        throw new HttpError(415, 'The request body must be encoded in UTF-8 (Content-Type: application/json; charset=utf-8)');
      }
      event.headers = { ...event.headers, 'content-type': 'application/json' };
    },
  };
}

/** Every error becomes an RFC 9457 problem response; unexpected ones are logged with their stack, never returned. */
export function problemDetails({ logger }: { logger: Logger }): HttpMiddleware {
  return {
    onError: (request) => {
      const { response, problem, expected } = problemResponse(request.error);
      if (expected) {
        // Reasons and sizes only: a parser's or driver's message can quote the request's content.
        const cause = request.error?.cause as { code?: string; name?: string } | undefined;
        logger.info('request rejected', {
          statusCode: response.statusCode,
          reason: problem.title,
          errorName: request.error?.name,
          cause: cause && { code: cause.code, name: cause.name },
          bodyBytes: typeof request.event.body === 'string' ? Buffer.byteLength(request.event.body) : undefined,
        });
      } else logger.error('request failed', { route: request.event.routeKey, ...failureDetails(request.error, request.context) });
      request.response = response;
    },
  };
}
