import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SecretsManagerClient as SdkSecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { fullJitter } from './backoff';

/**
 * AWS Secrets Manager's JSON API in the AWS SDK's own shape: `new SecretsManagerClient(config)
 * .send(new GetSecretValueCommand(input))`. It stands in for `@aws-sdk/client-secrets-manager` in
 * every bundle (the esbuild alias in serverless.yml) and every test (jest.config.js), so
 * `@middy/secrets-manager` runs on it unchanged.
 *
 * Why not the SDK: its client takes about 80 ms to load, more than all the rest of a database
 * route, and a route asks it one thing: one signed POST per secret, once per cache period. Here
 * that is Signature Version 4 over node:crypto (the SDK's own signer pulls in @smithy/core, about
 * 40 ms) and one HTTPS request. What the SDK client would add and a function does not use is left
 * out: credential chains beyond the environment (Lambda puts the role's credentials there),
 * dual-stack endpoints, clock-skew correction (middy retries a rejected signature once).
 */

/** The part of the SDK client's configuration this client reads. */
export interface SecretsManagerClientConfig {
  region?: string;
  /** Default: AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL, then the region's public endpoint. */
  endpoint?: string;
  credentials?: Credentials;
  /** Attempts per call, retries included (default 3, as the SDK's). */
  maxAttempts?: number;
  requestHandler?: {
    /** Milliseconds for each attempt, connecting included (default 10,000). */
    requestTimeout?: number;
  };
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface Command<Output> {
  readonly operation: string;
  readonly input: object;
  /** Type only: what the operation answers. */
  readonly output?: Output;
}

class SecretsManagerCommand<Input extends object, Output> implements Command<Output> {
  declare readonly output?: Output;
  constructor(
    readonly operation: string,
    readonly input: Input,
  ) {}
}

export interface GetSecretValueInput {
  SecretId: string;
  VersionId?: string;
  VersionStage?: string;
}

export interface GetSecretValueOutput {
  ARN?: string;
  Name?: string;
  VersionId?: string;
  SecretString?: string;
  /** Base64, as the API sends it. */
  SecretBinary?: string;
  VersionStages?: string[];
  /** Seconds since the epoch, as the API sends it. */
  CreatedDate?: number;
}

export class GetSecretValueCommand extends SecretsManagerCommand<GetSecretValueInput, GetSecretValueOutput> {
  constructor(input: GetSecretValueInput) {
    super('GetSecretValue', input);
  }
}

export interface DescribeSecretOutput {
  ARN?: string;
  Name?: string;
  /** Seconds since the epoch, as the API sends them. */
  LastRotatedDate?: number;
  LastChangedDate?: number;
  NextRotationDate?: number;
}

/** Read by @middy/secrets-manager when asked for rotation dates (`fetchRotationDate`). */
export class DescribeSecretCommand extends SecretsManagerCommand<{ SecretId: string }, DescribeSecretOutput> {
  constructor(input: { SecretId: string }) {
    super('DescribeSecret', input);
  }
}

/** An error answered by Secrets Manager, named as the SDK names it (`ResourceNotFoundException`, ...). */
export class SecretsManagerServiceError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  /** The error type, where @middy/util looks for `InvalidSignatureException`. */
  readonly __type: string;

  constructor(type: string, message: string, status: number, requestId?: string) {
    super(message);
    this.name = type;
    this.__type = type;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, requestId };
  }
}

const service = 'secretsmanager';
const maxAnswerBytes = 1024 * 1024;
/** The SDK's standard retry delays: 100 ms doubled per attempt, at most 20 s. */
const sdkBackoff = Object.freeze({ baseMs: 100, capMs: 20_000 });
const throttling = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled']);
const transientNetwork = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED']);

/** The domain of the region's endpoints (the SDK's partitions: China, the isolated regions, the rest). */
function dnsSuffix(region: string): string {
  if (region.startsWith('cn-')) return 'amazonaws.com.cn';
  if (region.startsWith('us-isob-')) return 'sc2s.sgov.gov';
  if (region.startsWith('us-iso-')) return 'c2s.ic.gov';
  return 'amazonaws.com';
}

export function defaultEndpoint(region: string): string {
  const fips = process.env.AWS_USE_FIPS_ENDPOINT === 'true' ? '-fips' : '';
  return `https://${service}${fips}.${region}.${dnsSuffix(region)}`;
}

function environmentCredentials(): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('No AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
  }
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined };
}

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

export interface SignedRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

/**
 * Signs a Secrets Manager request with Signature Version 4 (AWS's "Create a signed AWS API
 * request"): a POST to `/` with a JSON body, the headers every request carries signed.
 */
export function signRequest(
  endpoint: string,
  region: string,
  credentials: Credentials,
  operation: string,
  body: string,
  now = new Date(),
): SignedRequest {
  const url = new URL(endpoint);
  const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256(body);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    host: url.host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': amzDate,
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
    'x-amz-target': `${service}.${operation}`,
  };
  // Stryker disable next-line MethodExpression: the literal above is in order already; the sort keeps it so.
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    'POST',
    url.pathname,
    '',
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { url, headers, body };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/**
 * One request, bounded in time and size. A fresh connection each time: a secret is fetched once
 * per cache period, and a kept-alive socket would have gone stale across the container's freezes.
 */
function post({ url, headers, body }: SignedRequest, requestTimeout: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'http:' ? http : https).request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: false,
    });
    const deadline = setTimeout(
      () => request.destroy(new TimeoutError(`Secrets Manager did not answer within ${requestTimeout} ms`)),
      requestTimeout,
    );
    request.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxAnswerBytes) request.destroy(new Error(`Secrets Manager's answer exceeds ${maxAnswerBytes} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(deadline);
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', (error) => {
        clearTimeout(deadline);
        reject(error);
      });
    });
    request.end(body);
  });
}

function serviceError(answer: Answer): SecretsManagerServiceError {
  let fields: { __type?: unknown; message?: unknown; Message?: unknown } = {};
  try {
    fields = JSON.parse(answer.body) as typeof fields;
  } catch {
    // Not JSON (a proxy's page, say): the status names the failure.
  }
  const header = answer.headers['x-amzn-errortype'];
  // Types may come qualified (`namespace#Type`) or with a suffix (`Type:http://...`).
  const type = String(fields.__type ?? (typeof header === 'string' ? header : ''))
    .split('#')
    .pop()!
    .split(':')[0]!;
  const message = String(fields.message ?? fields.Message ?? `Secrets Manager answered HTTP ${answer.status}`);
  return new SecretsManagerServiceError(
    type || (answer.status >= 500 ? 'InternalServiceError' : 'UnknownError'),
    message,
    answer.status,
    answer.headers['x-amzn-requestid'] as string | undefined,
  );
}

/** What the SDK's standard retry strategy retries: throttling, server faults, timeouts, dropped connections. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof SecretsManagerServiceError) {
    return error.$fault === 'server' || error.$metadata.httpStatusCode === 429 || throttling.has(error.name);
  }
  return error instanceof TimeoutError || transientNetwork.has(String((error as NodeJS.ErrnoException).code));
}

export class SecretsManagerClient {
  private readonly maxAttempts: number;
  private readonly requestTimeout: number;

  constructor(private readonly config: SecretsManagerClientConfig = {}) {
    this.maxAttempts = Math.max(1, config.maxAttempts ?? 3);
    this.requestTimeout = config.requestHandler?.requestTimeout ?? 10_000;
  }

  async send<Output>(command: Command<Output>): Promise<Output> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(command);
      } catch (error) {
        if (attempt >= this.maxAttempts || !isRetryable(error)) throw error;
        await sleep(fullJitter(attempt, sdkBackoff));
      }
    }
  }

  private async attempt<Output>(command: Command<Output>): Promise<Output> {
    const region = this.config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error('No AWS region: AWS_REGION is not set');
    const endpoint =
      this.config.endpoint ?? process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? process.env.AWS_ENDPOINT_URL ?? defaultEndpoint(region);
    const signed = signRequest(
      endpoint,
      region,
      this.config.credentials ?? environmentCredentials(),
      command.operation,
      JSON.stringify(command.input),
    );
    const answer = await post(signed, this.requestTimeout);
    // Secrets Manager answers 200 or an error.
    if (answer.status !== 200) throw serviceError(answer);
    return JSON.parse(answer.body) as Output;
  }
}

/** This client, typed as @middy/secrets-manager's options expect its `AwsClient` (the SDK's class). */
export const middySecretsClient = SecretsManagerClient as unknown as typeof SdkSecretsManagerClient;
