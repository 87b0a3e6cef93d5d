import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { testToken } from './auth';

export interface RequestShape {
  method: string;
  path: string;
  route?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  /** The raw query string, when it is not the one `query` makes (a repeated key, say). */
  rawQuery?: string;
  /** Sends no Authorization header (by default a request carries a token with every scope). */
  anonymous?: boolean;
}

/** An API Gateway HTTP API (payload 2.0) event as AWS sends it: no header is filled in for the client. */
export function httpEvent(request: RequestShape): APIGatewayProxyEventV2 {
  const route = request.route ?? request.path;
  const routeKey = route === '$default' ? route : `${request.method} ${route}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: request.path,
    rawQueryString: request.rawQuery ?? new URLSearchParams(request.query ?? {}).toString(),
    headers: {
      host: 'api.example.com',
      'user-agent': 'jest',
      ...(request.anonymous ? {} : { authorization: `Bearer ${testToken()}` }),
      ...request.headers,
    },
    queryStringParameters: request.query,
    pathParameters: request.pathParameters,
    body: request.body,
    isBase64Encoded: request.isBase64Encoded ?? false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
}

export function lambdaContext(functionName = 'test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `aws-${Math.random().toString(36).slice(2)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: any;
  raw: string;
}

export async function invoke(handler: Handler, request: RequestShape): Promise<Reply> {
  const result = await handler(httpEvent(request), lambdaContext());
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const raw = result.body ?? '';
  const json = /json/.test(headers['content-type'] ?? 'application/json');
  return { status: result.statusCode ?? 200, headers, raw, body: raw && json ? JSON.parse(raw) : undefined };
}

/** A POST whose body is already parsed to `value`, as the JSON body parser leaves it for validation. */
export const parsedBody = (value: unknown) => ({ ...httpEvent({ method: 'POST', path: '/x' }), body: value as never });

/** The issues of the ValidationError that `run` throws, or none when it throws nothing. */
export function validationIssues(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (error) {
    return (error as { issues: { field: string; message: string }[] }).issues;
  }
  return [];
}
