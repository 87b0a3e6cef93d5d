import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { invoke, type RequestShape } from '../support/events';
import { createServiceRole, dropBackends, setPassword, startTestDatabase, type TestDatabase } from '../support/postgres';
import type { DbSecret } from '../../src/lib/storage/secret';
import { startSecretsEndpoint } from '../../src/local/secrets-endpoint';
import { fresh, withEnv } from '../support/fresh';
import { databaseNames, serviceName } from '../support/names';

type Handler = Parameters<typeof invoke>[0];

const secretArn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${serviceName}/dev/db-AbCdEf`;
const ttlMs = 1500;
const secretsManager = mockClient(SecretsManagerClient);
let database: TestDatabase;
let secret: DbSecret;
let handlers: Record<'ready' | 'list' | 'health', Handler>;
const logs: string[] = [];
let stdout: jest.SpyInstance;
let stderr: jest.SpyInstance;

const answer = (value: DbSecret) =>
  secretsManager
    .on(GetSecretValueCommand, { SecretId: secretArn })
    .resolves({ ARN: secretArn, SecretString: JSON.stringify(value), VersionId: 'v' });
const fetches = () => secretsManager.commandCalls(GetSecretValueCommand).length;
/** The 'database secret fetched' lines logged since `since` (an index into logs). */
const secretFetches = (since = 0) =>
  logs
    .slice(since)
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"message":"database secret fetched"'))
    .map((line) => JSON.parse(line) as { reason: string; fetches: number });
const call = (handler: Handler, request: Partial<RequestShape>) => invoke(handler, { method: 'GET', path: '/', ...request });

beforeAll(async () => {
  database = await startTestDatabase();
  secret = await createServiceRole(database, databaseNames.login, 'aws:first/P@ss');
  answer(secret);
  // The AWS stages: no local endpoint, the secret named by its ARN, a short cache period for the test.
  Object.assign(process.env, {
    STAGE: 'dev',
    DB_SECRET_ID: secretArn,
    SECRETS_CACHE_TTL_MS: String(ttlMs),
    AWS_REGION: 'eu-west-1',
    POWERTOOLS_LOG_LEVEL: 'DEBUG',
  });
  delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  // Warnings and errors go to stderr.
  const capture = (chunk: string | Uint8Array) => {
    logs.push(String(chunk));
    return true;
  };
  stdout = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  stderr = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  // The level the logger was made with depends on which test module loaded it first: this test reads its lines.
  (await import('../../src/lib/logger')).logger.setLogLevel('DEBUG');
  handlers = {
    ready: (await import('../../src/handlers/health-ready')).handler as unknown as Handler,
    list: (await import('../fixtures/api/test-contacts/handlers/list')).handler as unknown as Handler,
    health: (await import('../../src/handlers/health')).handler as unknown as Handler,
  };
});

afterAll(async () => {
  stdout?.mockRestore();
  stderr?.mockRestore();
  secretsManager.restore();
  await database?.stop();
});

it('prefetches the secret once at cold start and reuses it for the cache period', async () => {
  expect(fetches()).toBe(1);
  for (let i = 0; i < 10; i += 1) expect((await call(handlers.list, { path: '/api/test-contacts' })).status).toBe(200);
  expect((await call(handlers.ready, { path: '/api/health/ready' })).status).toBe(200);
  expect(fetches()).toBe(1);
  expect(secretsManager.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: secretArn });
});

it('fetches it again once the cache period is over', async () => {
  await sleep(ttlMs + 100);
  expect((await call(handlers.list, { path: '/api/test-contacts' })).status).toBe(200);
  expect((await call(handlers.list, { path: '/api/test-contacts' })).status).toBe(200);
  expect(fetches()).toBe(2);
});

it('refetches at once when the database rejects the cached password, and the request succeeds', async () => {
  const rotated = { ...secret, password: 'aws:second/P@ss' };
  await setPassword(database, secret.username, rotated.password);
  answer(rotated);
  await dropBackends(database, secret.username);
  expect((await call(handlers.list, { path: '/api/test-contacts' })).status).toBe(200);
  expect(fetches()).toBe(3);
  expect((await call(handlers.list, { path: '/api/test-contacts' })).status).toBe(200);
  expect(fetches()).toBe(3);
});

it('keeps the cached secret when a scheduled refresh fails', async () => {
  secretsManager.on(GetSecretValueCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
  await sleep(ttlMs + 100);
  const before = fetches();
  expect((await call(handlers.list, { path: '/api/test-contacts' })).status).toBe(200);
  expect((await call(handlers.list, { path: '/api/test-contacts' })).status).toBe(200);
  // Tried once, then left alone for a while instead of on every request.
  expect(fetches()).toBe(before + 1);
  expect(logs.join('')).toMatch(/"level":"WARN","message":"database secret refresh failed; keeping the cached secret"/);
});

it('answers 503, not 500, when the password was rotated and Secrets Manager cannot be reached', async () => {
  await setPassword(database, secret.username, 'aws:third/P@ss');
  await dropBackends(database, secret.username);
  const logged = logs.length;
  const reply = await call(handlers.list, { path: '/api/test-contacts' });
  expect(reply.status).toBe(503);
  expect(reply.headers['retry-after']).toMatch(/^\d+$/);
  expect(reply.body.detail).toMatch(/database/i);
  // An ERROR line, which the alerts subscription picks up, naming the cause.
  expect(logs.slice(logged).join('')).toMatch(/"level":"ERROR","message":"database secret could not be fetched".*"ThrottlingException"/);
  answer({ ...secret, password: 'aws:third/P@ss' });
  expect((await call(handlers.list, { path: '/api/test-contacts' })).status).toBe(200);
});

it('logs the secret lifecycle with timings and never a secret value', async () => {
  const health = await call(handlers.health, { path: '/api/health' });
  const text = logs.join('');
  const fetched = secretFetches();
  // Each line counts the container's fetches so far: the cold start's first.
  expect(fetched[0]).toMatchObject({ reason: 'cold start', fetches: 1 });
  const counts = fetched.map((line) => line.fetches);
  expect(counts.length).toBeGreaterThanOrEqual(3);
  expect(new Set(counts).size).toBe(counts.length);
  expect(counts).toEqual([...counts].sort((a, b) => a - b));
  expect(text).toMatch(/"message":"database secret fetched".*"durationMs":\d+/);
  expect(text).toMatch(/"reason":"rejected by the database"/);
  expect(text).toMatch(/"message":"database connection opened".*"durationMs":\d+/);
  expect(text).toMatch(/"message":"database reconnected".*"durationMs":\d+/);
  for (const value of ['aws:first/P@ss', 'aws:second/P@ss', 'aws:third/P@ss']) {
    expect(text).not.toContain(value);
    expect(health.raw).not.toContain(value);
  }
});

it('answers 503, not 500, while the secret has the wrong shape', async () => {
  secretsManager.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({ SecretString: `{"username":"${databaseNames.login}"}` });
  await sleep(ttlMs + 100);
  const logged = logs.length;
  const reply = await call(handlers.list, { path: '/api/test-contacts' });
  expect(reply.status).toBe(503);
  expect(reply.raw).not.toContain(databaseNames.login);
  expect(logs.slice(logged).join('')).toMatch(
    /"level":"ERROR","message":"database secret is not usable".*"error":"The database secret is missing or invalid fields: [a-z, ]*password/,
  );
  // The 503's own line names what caused it.
  expect(logs.slice(logged).join('')).toMatch(
    /"message":"request rejected".*"statusCode":503,.*"errorName":"DatabaseUnavailableError","cause":\{"name":"Error"\}/,
  );
});

it('keeps the secret for the life of the container with a cache period of -1, and fetches it for every request with 0', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-ttl-secrets-'));
  const endpoint = await startSecretsEndpoint(dir);
  const lifecycle: Record<string, string[]> = {};
  try {
    for (const [ttl, name] of [
      ['-1', 'db-kept'],
      ['0', 'db-every-time'],
    ] as const) {
      fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ ...secret, password: 'aws:third/P@ss' }));
      const logged = logs.length;
      await withEnv(
        {
          DB_SECRET_ID: name,
          SECRETS_CACHE_TTL_MS: ttl,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
        },
        async () => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const list = fresh(() => require('../fixtures/api/test-contacts/handlers/list') as { handler: Handler }).handler;
          for (let request = 0; request < 3; request += 1) {
            expect((await call(list, { path: '/api/test-contacts' })).status).toBe(200);
            await sleep(5);
          }
        },
      );
      lifecycle[name] = secretFetches(logged).map(({ reason, fetches }) => `${reason} ${fetches}`);
    }
    // The prefetch's secret serves the first request with -1; with 0, each request fetches it again, counted from the prefetch.
    expect(lifecycle).toEqual({ 'db-kept': ['cold start 1'], 'db-every-time': ['expired 2', 'expired 3', 'expired 4'] });
    // The cold start's prefetch, then: none again; one per request.
    expect(Object.fromEntries(endpoint.fetches)).toEqual({ 'db-kept': 1, 'db-every-time': 4 });
  } finally {
    await endpoint.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
