import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { config } from '../config';
import {
  AccessDeniedError,
  ConflictError,
  IdempotencyKeyError,
  MethodNotAllowedError,
  NotFoundError,
  UnavailableError,
  ValidationError,
  type FieldIssue,
} from '../errors';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  status: number;
  title: string;
  detail: string;
  errors?: FieldIssue[];
}

interface HttpErrorLike {
  statusCode: number;
  message: string;
  cause?: { package?: string };
}

function isHttpError(error: unknown): error is HttpErrorLike {
  return error instanceof Error && typeof (error as Partial<HttpErrorLike>).statusCode === 'number';
}

/** Errors a middleware raises for the request's framing (size, media type). Their message is ours to show. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** What a problem document of each status is titled. */
const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return { type: 'about:blank', status, title: titles[status] ?? 'Error', detail, ...extra };
}

/** The realm every challenge names: the service's name. */
const realm = config.serviceName;

/** RFC 6750 section 3: a quoted-string may not hold `"` or `\\`, and the error description is printable ASCII. */
const quoted = (value: string) => `"${value.replace(/["\\]/g, '').replace(/[^\x20-\x7e]/g, '?')}"`;

/** The `WWW-Authenticate` challenge of a refused request (RFC 6750 section 3). */
export function bearerChallenge(error: AccessDeniedError): string {
  const parameters = [`realm=${quoted(realm)}`];
  if (error.bearerError) parameters.push(`error=${quoted(error.bearerError)}`, `error_description=${quoted(error.message)}`);
  if (error.scope) parameters.push(`scope=${quoted(error.scope)}`);
  return `Bearer ${parameters.join(', ')}`;
}

function describeIssues(issues: FieldIssue[]): string {
  return issues.map((issue) => `${issue.field} ${issue.message}`).join('; ');
}

/**
 * The one place where errors become HTTP statuses. Only messages written by this service reach
 * the client: driver, SQL and stack details never do.
 */
export function toProblem(error: unknown): { problem: Problem; headers?: Record<string, string>; expected: boolean } {
  if (error instanceof ValidationError) {
    return { problem: problem(400, describeIssues(error.issues), { errors: error.issues }), expected: true };
  }
  if (error instanceof NotFoundError) return { problem: problem(404, error.message), expected: true };
  if (error instanceof MethodNotAllowedError) {
    return { problem: problem(405, error.message), headers: { Allow: error.allowed.join(', ') }, expected: true };
  }
  if (error instanceof ConflictError) return { problem: problem(409, error.message), expected: true };
  if (error instanceof AccessDeniedError) {
    return {
      problem: problem(error.statusCode, error.message),
      headers: { 'WWW-Authenticate': bearerChallenge(error) },
      expected: true,
    };
  }
  if (error instanceof IdempotencyKeyError) return { problem: problem(error.statusCode, error.message), expected: true };
  if (error instanceof UnavailableError) {
    return { problem: problem(503, error.detail), headers: { 'Retry-After': String(error.retryAfterSeconds) }, expected: true };
  }
  if (error instanceof HttpError) return { problem: problem(error.statusCode, error.message), expected: true };
  if (isHttpError(error) && error.cause?.package === '@middy/http-json-body-parser') {
    // middy reports malformed JSON as 415; it is a client syntax error, so 400.
    return error.message.startsWith('Invalid or malformed JSON')
      ? { problem: problem(400, 'The request body is not valid JSON'), expected: true }
      : { problem: problem(415, 'The request body must be JSON (Content-Type: application/json)'), expected: true };
  }
  return { problem: problem(500, 'An unexpected error occurred'), expected: false };
}

export function problemResponse(error: unknown): { response: APIGatewayProxyStructuredResultV2; problem: Problem; expected: boolean } {
  const { problem: body, headers, expected } = toProblem(error);
  return {
    expected,
    problem: body,
    response: {
      statusCode: body.status,
      headers: { 'Content-Type': 'application/problem+json', ...headers },
      body: JSON.stringify(body),
    },
  };
}
