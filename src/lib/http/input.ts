import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { NotFoundError, ValidationError } from '../errors';

export interface InputSchemas {
  body?: z.ZodMiniType;
  query?: z.ZodMiniType;
  path?: z.ZodMiniType;
  /** Request headers, by their lower-case names. */
  headers?: z.ZodMiniType;
}

type Out<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

export interface ParsedInput<S extends InputSchemas> {
  body: Out<S['body']>;
  query: Out<S['query']>;
  path: Out<S['path']>;
  headers: Out<S['headers']>;
  /** The method and path the client asked for, as sent. */
  request: { method: string; path: string };
}

function issuesOf(error: z.core.$ZodError, fallback: string) {
  return error.issues.map((issue) => ({ field: issue.path.join('.') || fallback, message: issue.message }));
}

/**
 * API Gateway joins a repeated parameter's values with commas, which would read `?limit=1&limit=2`
 * as one value: a parameter may be given once.
 */
function rejectRepeatedParameters(rawQueryString: string | undefined) {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  // Stryker disable next-line StringLiteral: its replacement text is a single key, which cannot repeat
  for (const key of new URLSearchParams(rawQueryString ?? '').keys()) (seen.has(key) ? repeated : seen).add(key);
  if (repeated.size) throw new ValidationError([...repeated].map((field) => ({ field, message: 'must be given once' })));
}

/**
 * Validates the request against the route's schemas. A path that does not match (such as a
 * non-UUID id) names no resource, so it is a 404; a bad body or query is a 400 naming each field.
 */
export function parseInput<S extends InputSchemas>(schemas: S, event: APIGatewayProxyEventV2): ParsedInput<S> {
  const parse = (schema: z.ZodMiniType | undefined, value: unknown, fallback: string) => {
    if (!schema) return undefined;
    const result = schema.safeParse(value);
    if (!result.success) {
      if (fallback === 'path') throw new NotFoundError('No resource exists at this path');
      throw new ValidationError(issuesOf(result.error, fallback));
    }
    return result.data;
  };
  const path = parse(schemas.path, event.pathParameters ?? {}, 'path');
  if (schemas.query) rejectRepeatedParameters(event.rawQueryString);
  const query = parse(schemas.query, event.queryStringParameters ?? {}, 'query');
  if (schemas.body && (typeof event.body !== 'object' || event.body === null || Array.isArray(event.body))) {
    throw new ValidationError([{ field: 'body', message: 'must be a JSON object' }]);
  }
  const headers = parse(schemas.headers, event.headers ?? {}, 'headers');
  const request = { method: event.requestContext.http.method, path: event.rawPath };
  return { path, query, headers, body: parse(schemas.body, event.body, 'body'), request } as ParsedInput<S>;
}
