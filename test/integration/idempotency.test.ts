import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { idempotencyTable } from '../../src/lib/http/idempotency-settings';
import { ensureTable } from '../../src/local/dynamodb-local';
import { testToken } from '../support/auth';
import { loadContainer, type Container } from '../support/containers';
import type { Reply } from '../support/events';
import { startDynamoDb, type LocalDynamoDb } from '../support/dynamodb';
import { withEnv } from '../support/fresh';
import { startBlackhole } from '../support/blackhole';
import { count, startTestDatabase, type TestDatabase } from '../support/postgres';
import { serveSecrets, type LocalSecrets } from '../support/service-env';
import { serviceName } from '../support/names';

// Unique: the DynamoDB Local may be shared (startDynamoDb).
const tableName = `${serviceName}-test-idempotency-${randomUUID()}`;
let database: TestDatabase;
let dynamodb: LocalDynamoDb;
let secrets: LocalSecrets;
let container: Container;

const rowsWith = (email: string) => count(database.admin, 'select count(*) as n from test_contacts where email = $1', [email]);
const records = async () => (await dynamodb.client.send(new ScanCommand({ TableName: tableName }))).Items ?? [];

function post(target: Container, body: unknown, key?: string, token?: string): Promise<Reply> {
  return target.invoke('test-contacts/create', {
    method: 'POST',
    path: '/api/test-contacts',
    headers: {
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': key }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
}

const newUser = () => ({ email: `idem-${randomUUID()}@example.com`, name: 'Idempotent' });

beforeAll(async () => {
  [database, dynamodb] = await Promise.all([startTestDatabase(), startDynamoDb()]);
  await ensureTable(dynamodb.client, { name: tableName, ...idempotencyTable });
  secrets = await serveSecrets(database.secret, { AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url, IDEMPOTENCY_TABLE: tableName });
  container = loadContainer();
});

afterAll(async () => {
  await secrets?.close();
  await dynamodb?.stop();
  await database?.stop();
});

describe('POST /api/test-contacts with an Idempotency-Key', () => {
  it('returns the first response to a repeat without creating again; the table holds one record, with its TTL', async () => {
    const user = newUser();
    const key = randomUUID();
    const before = (await records()).length;
    const first = await post(container, user, key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const repeat = await post(container, user, key);
    expect(repeat.status).toBe(201);
    expect(repeat.body).toEqual(first.body);
    expect(repeat.headers.location).toBe(first.headers.location);
    expect(repeat.headers['content-type']).toBe('application/json');
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(await rowsWith(user.email)).toBe(1);
    const after = await records();
    expect(after).toHaveLength(before + 1);
    const record = after.find((item) => item.data?.M?.body?.S?.includes(first.body.id))!;
    expect(record.status?.S).toBe('COMPLETED');
    // The stored response is the first one, status and headers included.
    expect(record.data!.M!.statusCode!.N).toBe('201');
    expect(record.data!.M!.headers!.M!.Location!.S).toBe(first.headers.location);
    const expiresAt = Number(record.expiration!.N);
    expect(expiresAt).toBeGreaterThan(Date.now() / 1000 + 86_400 - 60);
    expect(expiresAt).toBeLessThan(Date.now() / 1000 + 86_400 + 60);
  });

  it('answers 422 for the same key with another body, and writes nothing', async () => {
    const key = randomUUID();
    expect((await post(container, newUser(), key)).status).toBe(201);
    const other = newUser();
    const reply = await post(container, other, key);
    expect(reply.status).toBe(422);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.body).toMatchObject({
      status: 422,
      title: 'Unprocessable Content',
      detail: 'This Idempotency-Key was already used for a different request',
    });
    expect(await rowsWith(other.email)).toBe(0);
  });

  it('runs the handler once for concurrent requests with one key: the others get 409 or the first response', async () => {
    const user = newUser();
    const key = randomUUID();
    const containers = Array.from({ length: 6 }, () => loadContainer());
    const replies = await Promise.all(containers.map((each) => post(each, user, key)));
    const fresh = replies.filter((reply) => reply.status === 201 && !reply.headers['idempotent-replayed']);
    expect(fresh).toHaveLength(1);
    for (const reply of replies.filter((each) => each !== fresh[0])) {
      if (reply.status === 201) expect(reply.body).toEqual(fresh[0]!.body);
      else {
        expect(reply.status).toBe(409);
        expect(reply.body.detail).toBe('A request with this Idempotency-Key is still in progress; retry after it completes');
      }
    }
    expect(await rowsWith(user.email)).toBe(1);
  });

  it('keeps keys apart per caller: the same key from two callers creates for each', async () => {
    const key = randomUUID();
    const first = newUser();
    const second = newUser();
    expect((await post(container, first, key, testToken({ subject: 'caller-a' }))).status).toBe(201);
    const reply = await post(container, second, key, testToken({ subject: 'caller-b' }));
    expect(reply.status).toBe(201);
    expect(reply.headers['idempotent-replayed']).toBeUndefined();
    expect(await rowsWith(second.email)).toBe(1);
  });

  it('stores no failed attempt: a retry after a 409 for a taken email runs again, and the key can then be used', async () => {
    const user = newUser();
    expect((await post(container, user)).status).toBe(201);
    const key = randomUUID();
    const before = (await records()).length;
    expect((await post(container, user, key)).status).toBe(409);
    expect((await post(container, user, key)).status).toBe(409);
    expect(await records()).toHaveLength(before);
  });

  it('behaves as without idempotency when the header is absent: a repeat is a 409 conflict', async () => {
    const user = newUser();
    const before = (await records()).length;
    expect((await post(container, user)).status).toBe(201);
    const repeat = await post(container, user);
    expect(repeat.status).toBe(409);
    expect(repeat.body.detail).toMatch(/email/);
    expect(await records()).toHaveLength(before);
  });

  it('answers 400 for an empty key or one of 256 characters, and writes nothing', async () => {
    for (const [key, message] of [
      ['', 'must not be empty'],
      ['k'.repeat(256), 'must be at most 255 characters'],
    ]) {
      const user = newUser();
      const reply = await post(container, user, key!);
      expect(reply.status).toBe(400);
      expect(reply.body.errors).toEqual([{ field: 'Idempotency-Key', message }]);
      expect(await rowsWith(user.email)).toBe(0);
    }
    expect((await post(container, newUser(), 'k'.repeat(255))).status).toBe(201);
  });
});

describe('PUT and DELETE with an Idempotency-Key', () => {
  it('answers 422 for the same key and body on another user: the path is part of the request', async () => {
    const ids = [(await post(container, newUser())).body.id as string, (await post(container, newUser())).body.id as string];
    const key = randomUUID();
    const body = JSON.stringify({ email: `idem-${randomUUID()}@example.com`, name: 'Same body' });
    const replies = [];
    for (const id of ids) {
      replies.push(
        await container.invoke('test-contacts/update', {
          method: 'PUT',
          route: '/api/test-contacts/{id}',
          path: `/api/test-contacts/${id}`,
          pathParameters: { id },
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body,
        }),
      );
    }
    expect(replies.map((reply) => reply.status)).toEqual([200, 422]);
    const second = await container.invoke('test-contacts/get', { path: `/api/test-contacts/${ids[1]}`, pathParameters: { id: ids[1]! } });
    expect(second.body.name).toBe('Idempotent');
  });

  it('replays a replace and a delete instead of running them again', async () => {
    const created = await post(container, newUser());
    const id = created.body.id as string;
    const replace = (key: string, body: unknown) =>
      container.invoke('test-contacts/update', {
        method: 'PUT',
        route: '/api/test-contacts/{id}',
        path: `/api/test-contacts/${id}`,
        pathParameters: { id },
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
    const putKey = randomUUID();
    const replacement = newUser();
    const first = await replace(putKey, replacement);
    expect(first.status).toBe(200);
    const again = await replace(putKey, replacement);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await replace(putKey, newUser())).status).toBe(422);

    const remove = (key: string) =>
      container.invoke('test-contacts/delete', {
        method: 'DELETE',
        route: '/api/test-contacts/{id}',
        path: `/api/test-contacts/${id}`,
        pathParameters: { id },
        headers: { 'idempotency-key': key },
      });
    const deleteKey = randomUUID();
    expect((await remove(deleteKey)).status).toBe(204);
    const repeat = await remove(deleteKey);
    expect(repeat.status).toBe(204);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    // A new key is a new request: the user is gone.
    expect((await remove(randomUUID())).status).toBe(404);
  });
});

describe('when DynamoDB cannot be reached', () => {
  it('answers 503 within two attempts of IDEMPOTENCY_TIMEOUT_MS when DynamoDB accepts connections and never answers', async () => {
    const hung = await startBlackhole();
    try {
      const env = { AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${hung.port}`, IDEMPOTENCY_TIMEOUT_MS: '300' };
      const cut = withEnv(env, loadContainer);
      const user = newUser();
      const started = Date.now();
      const reply = await withEnv(env, () => post(cut, user, randomUUID()));
      expect(reply.status).toBe(503);
      // Two attempts of 300 ms each, and the SDK's backoff between them; not the SDK's default of three unbounded ones.
      expect(Date.now() - started).toBeGreaterThanOrEqual(600);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(hung.accepted()).toBe(2);
      expect(await rowsWith(user.email)).toBe(0);
    } finally {
      await hung.close();
    }
  });

  it('answers 503 with Retry-After to a request with a key, within 3 s, and writes nothing; requests without one are served', async () => {
    // A container whose store has nothing listening at its endpoint (the DynamoDB Local may be shared).
    const cut = loadContainer();
    const send = (user: ReturnType<typeof newUser>, key?: string) =>
      withEnv({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9' }, () => post(cut, user, key));
    const user = newUser();
    const started = Date.now();
    const reply = await send(user, randomUUID());
    expect(Date.now() - started).toBeLessThan(3000);
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('1');
    expect(reply.body).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
      detail: 'The service cannot record this Idempotency-Key right now. Retry shortly.',
    });
    expect(await rowsWith(user.email)).toBe(0);
    expect((await send(user)).status).toBe(201);
  });
});
