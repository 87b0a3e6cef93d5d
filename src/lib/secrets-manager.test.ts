import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { listenOnLoopback } from '../local/loopback-server';
import { startSecretsEndpoint, type SecretsEndpoint } from '../local/secrets-endpoint';
import { withEnv } from '../../test/support/fresh';
import {
  defaultEndpoint,
  DescribeSecretCommand,
  GetSecretValueCommand,
  isRetryable,
  SecretsManagerClient,
  SecretsManagerServiceError,
  signRequest,
  type Credentials,
} from './secrets-manager';
import { serviceName } from '../../test/support/names';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

/** The SDK's hash interface over node:crypto (an HMAC when given a key), for the SDK's signer. */
class Sha256 {
  private readonly hash;
  constructor(key?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      key === undefined ? createHash('sha256') : createHmac('sha256', typeof key === 'string' ? key : new Uint8Array(key as ArrayBuffer));
  }
  update(data: string | Uint8Array) {
    this.hash.update(data);
  }
  digest() {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

/** A loopback server answering each request with the next of `answers` (the last one repeats), counting them. */
async function scripted(
  answers: { status: number; body?: string; headers?: Record<string, string>; hang?: boolean; cutShort?: boolean }[],
) {
  const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      seen.push({ method: request.method, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers[Math.min(seen.length, answers.length) - 1]!;
      if (answer.hang) return;
      if (answer.cutShort) {
        // Headers that promise more than the connection delivers before it drops.
        response.writeHead(answer.status, { 'content-length': '1000' });
        response.write('{"SecretString":');
        setTimeout(() => response.destroy(), 20);
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    seen,
    close: () => {
      server.closeAllConnections();
      return close();
    },
  };
}

const clientFor = (endpoint: string, options: Partial<ConstructorParameters<typeof SecretsManagerClient>[0]> = {}) =>
  new SecretsManagerClient({ endpoint, region: 'eu-west-1', credentials, ...options });

describe('signRequest', () => {
  const now = new Date('2026-11-24T15:04:05.678Z');

  it.each<[string, Credentials]>([
    ['long-term credentials', credentials],
    ['a session token (Lambda)', { ...credentials, sessionToken: 'FQoGZXIvYXdzEJr//////////token' }],
  ])('signs exactly as the AWS SDK signer does, with %s', async (_label, keys) => {
    const body = JSON.stringify({ SecretId: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${serviceName}/dev/db-AbCdEf` });
    for (const endpoint of ['https://secretsmanager.eu-west-1.amazonaws.com', 'http://127.0.0.1:4566']) {
      const ours = signRequest(endpoint, 'eu-west-1', keys, 'GetSecretValue', body, now);
      const url = new URL(endpoint);
      const sdk = await new SignatureV4({ credentials: keys, region: 'eu-west-1', service: 'secretsmanager', sha256: Sha256 }).sign(
        {
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port ? Number(url.port) : undefined,
          path: '/',
          query: {},
          headers: {
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'secretsmanager.GetSecretValue',
            host: url.host,
          },
          body,
        },
        { signingDate: now },
      );
      expect(ours.headers.authorization).toBe(sdk.headers.authorization);
      expect(ours.headers['x-amz-date']).toBe('20261124T150405Z');
      expect(ours.headers['x-amz-security-token']).toBe(keys.sessionToken);
    }
  });
});

describe('SecretsManagerClient', () => {
  let dir: string;
  let endpoint: SecretsEndpoint;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-client-'));
    fs.writeFileSync(path.join(dir, 'db.json'), '{"password":"one"}');
    endpoint = await startSecretsEndpoint(dir);
  });

  afterAll(async () => {
    await endpoint.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fetches a secret, as the SDK answers it', async () => {
    const answer = await clientFor(endpoint.url).send(new GetSecretValueCommand({ SecretId: 'db' }));
    expect(answer).toMatchObject({ Name: 'db', SecretString: '{"password":"one"}', VersionStages: ['AWSCURRENT'] });
    expect(endpoint.fetches.get('db')).toBe(1);
  });

  it("names a service error as the SDK does, and does not repeat a caller's mistake", async () => {
    const before = endpoint.fetches.size;
    const failure = clientFor(endpoint.url).send(new GetSecretValueCommand({ SecretId: 'missing' }));
    await expect(failure).rejects.toBeInstanceOf(SecretsManagerServiceError);
    await expect(failure).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      __type: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret: missing",
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    expect(endpoint.fetches.size).toBe(before);
  });

  it('takes its endpoint, region and credentials from the environment, as the SDK does', async () => {
    const server = await scripted([{ status: 200, body: '{"SecretString":"s"}' }]);
    try {
      const env = {
        AWS_REGION: 'eu-central-1',
        AWS_ACCESS_KEY_ID: 'env-key',
        AWS_SECRET_ACCESS_KEY: 'env-secret',
        AWS_SESSION_TOKEN: 'env-token',
      };
      const answer = await withEnv({ ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: server.url, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }, () =>
        new SecretsManagerClient().send(new GetSecretValueCommand({ SecretId: 'db' })),
      );
      expect(answer).toEqual({ SecretString: 's' });
      const [{ method, headers, body }] = server.seen as [(typeof server.seen)[0]];
      expect(method).toBe('POST');
      expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=env-key\/\d{8}\/eu-central-1\/secretsmanager\/aws4_request, /);
      expect(headers['x-amz-security-token']).toBe('env-token');
      expect(headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
      expect(JSON.parse(body)).toEqual({ SecretId: 'db' });
      // AWS_ENDPOINT_URL serves every service that has no endpoint of its own.
      await withEnv({ ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: undefined, AWS_ENDPOINT_URL: server.url }, () =>
        new SecretsManagerClient().send(new DescribeSecretCommand({ SecretId: 'db' })),
      );
      expect(server.seen[1]!.headers['x-amz-target']).toBe('secretsmanager.DescribeSecret');
    } finally {
      await server.close();
    }
  });

  it('refuses to send without a region or credentials, saying which is missing', async () => {
    const send = () => new SecretsManagerClient({ endpoint: endpoint.url }).send(new GetSecretValueCommand({ SecretId: 'db' }));
    await expect(withEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }, send)).rejects.toThrow(
      'No AWS region: AWS_REGION is not set',
    );
    await expect(
      withEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, send),
    ).resolves.toMatchObject({
      Name: 'db',
    });
    for (const missing of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      await expect(
        withEnv({ AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', [missing]: undefined }, send),
      ).rejects.toThrow('No AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    }
  });

  it('retries throttling and server faults, up to its attempts', async () => {
    const server = await scripted([
      { status: 400, body: '{"__type":"ThrottlingException","message":"Rate exceeded"}' },
      { status: 500, body: 'upstream failed' },
      { status: 200, body: '{"SecretString":"third time"}' },
    ]);
    try {
      await expect(clientFor(server.url).send(new GetSecretValueCommand({ SecretId: 'db' }))).resolves.toEqual({
        SecretString: 'third time',
      });
      expect(server.seen).toHaveLength(3);
      const failure = clientFor(server.url, { maxAttempts: 2 }).send(new GetSecretValueCommand({ SecretId: 'db' }));
      await expect(failure).resolves.toEqual({ SecretString: 'third time' });
    } finally {
      await server.close();
    }
    const down = await scripted([{ status: 503, body: '{"message":"busy"}', headers: { 'x-amzn-requestid': 'req-1' } }]);
    try {
      const failure = clientFor(down.url, { maxAttempts: 2 }).send(new GetSecretValueCommand({ SecretId: 'db' }));
      await expect(failure).rejects.toMatchObject({
        name: 'InternalServiceError',
        message: 'busy',
        $fault: 'server',
        $metadata: { httpStatusCode: 503, requestId: 'req-1' },
      });
      expect(down.seen).toHaveLength(2);
    } finally {
      await down.close();
    }
  });

  it('reads qualified error types and the error type header, and says what a page that is not JSON was', async () => {
    const server = await scripted([
      { status: 400, body: '{"__type":"com.amazonaws.secretsmanager#DecryptionFailure","Message":"KMS said no"}' },
      { status: 403, body: '{}', headers: { 'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/' } },
      { status: 404, body: '<html>not here</html>' },
    ]);
    try {
      const client = clientFor(server.url, { maxAttempts: 1 });
      const send = () => client.send(new GetSecretValueCommand({ SecretId: 'db' }));
      await expect(send()).rejects.toMatchObject({ name: 'DecryptionFailure', message: 'KMS said no' });
      await expect(send()).rejects.toMatchObject({ name: 'AccessDeniedException', $fault: 'client' });
      await expect(send()).rejects.toMatchObject({ name: 'UnknownError', message: 'Secrets Manager answered HTTP 404' });
    } finally {
      await server.close();
    }
  });

  it('gives up on an answer that does not come within its request timeout', async () => {
    const server = await scripted([{ status: 200, hang: true }]);
    try {
      const started = Date.now();
      const failure = clientFor(server.url, { maxAttempts: 2, requestHandler: { requestTimeout: 200 } }).send(
        new GetSecretValueCommand({ SecretId: 'db' }),
      );
      await expect(failure).rejects.toMatchObject({ name: 'TimeoutError', message: 'Secrets Manager did not answer within 200 ms' });
      expect(server.seen).toHaveLength(2);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await server.close();
    }
  });

  it('names a server fault that carries no type as the SDK does', async () => {
    const server = await scripted([{ status: 500, body: '' }]);
    try {
      await expect(clientFor(server.url, { maxAttempts: 1 }).send(new GetSecretValueCommand({ SecretId: 'db' }))).rejects.toMatchObject({
        name: 'InternalServiceError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500, requestId: undefined },
      });
    } finally {
      await server.close();
    }
  });

  it('retries an answer cut short by a dropped connection', async () => {
    const server = await scripted([{ status: 200, cutShort: true }]);
    try {
      const failure = clientFor(server.url, { maxAttempts: 2 }).send(new GetSecretValueCommand({ SecretId: 'db' }));
      await expect(failure).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(server.seen).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('speaks TLS to an https endpoint', async () => {
    const firstBytes: number[] = [];
    const server = net.createServer((socket) => {
      socket.once('data', (data: Buffer) => {
        firstBytes.push(data[0]!);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      await expect(
        clientFor(`https://127.0.0.1:${port}`, { maxAttempts: 1 }).send(new GetSecretValueCommand({ SecretId: 'db' })),
      ).rejects.toThrow();
      // 0x16: a TLS handshake record, the client hello.
      expect(firstBytes).toEqual([0x16]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('takes an answer of exactly the largest size', async () => {
    const envelope = '{"SecretString":""}';
    const server = await scripted([{ status: 200, body: `{"SecretString":"${'x'.repeat(1024 * 1024 - envelope.length)}"}` }]);
    try {
      const answer = await clientFor(server.url, { maxAttempts: 1 }).send(new GetSecretValueCommand({ SecretId: 'db' }));
      expect(answer.SecretString).toHaveLength(1024 * 1024 - envelope.length);
    } finally {
      await server.close();
    }
  });

  it('refuses an answer larger than any secret', async () => {
    const server = await scripted([{ status: 200, body: `{"SecretString":"${'x'.repeat(1024 * 1024)}"}` }]);
    try {
      await expect(clientFor(server.url, { maxAttempts: 1 }).send(new GetSecretValueCommand({ SecretId: 'db' }))).rejects.toThrow(
        "Secrets Manager's answer exceeds 1048576 bytes",
      );
    } finally {
      await server.close();
    }
  });
});

describe('defaultEndpoint', () => {
  it.each([
    ['eu-west-1', undefined, 'https://secretsmanager.eu-west-1.amazonaws.com'],
    ['us-gov-west-1', 'true', 'https://secretsmanager-fips.us-gov-west-1.amazonaws.com'],
    ['cn-north-1', undefined, 'https://secretsmanager.cn-north-1.amazonaws.com.cn'],
    ['us-iso-east-1', undefined, 'https://secretsmanager.us-iso-east-1.c2s.ic.gov'],
    ['us-isob-east-1', undefined, 'https://secretsmanager.us-isob-east-1.sc2s.sgov.gov'],
  ])('is the regional endpoint of %s (FIPS: %s)', (region, fips, expected) => {
    expect(withEnv({ AWS_USE_FIPS_ENDPOINT: fips }, () => defaultEndpoint(region))).toBe(expected);
  });
});

describe('isRetryable', () => {
  it.each([
    ['a reset connection', true, Object.assign(new Error('reset'), { code: 'ECONNRESET' })],
    ['a refused connection', true, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })],
    ['a bad certificate', false, Object.assign(new Error('bad certificate'), { code: 'CERT_HAS_EXPIRED' })],
    ['HTTP 429, whatever its type', true, new SecretsManagerServiceError('SlowDown', 'slow down', 429)],
    ['a throttling type on HTTP 400', true, new SecretsManagerServiceError('RequestLimitExceeded', 'slow down', 400)],
    ["the caller's mistake", false, new SecretsManagerServiceError('InvalidRequestException', 'no', 400)],
    ['any other error', false, new Error('anything else')],
  ])('%s: retried %s', (_label, expected, error) => {
    expect(isRetryable(error)).toBe(expected);
  });
});
