import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export const ok = (body: unknown): HttpResult => json(200, body);

export const created = (body: unknown, location?: string): HttpResult => json(201, body, location ? { Location: location } : {});

export const noContent = (): HttpResult => ({ statusCode: 204 });
