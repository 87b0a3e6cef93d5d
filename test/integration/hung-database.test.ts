import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startBlackhole, type Blackhole } from '../support/blackhole';
import { loadContainer } from '../support/containers';
import { withEnv } from '../support/fresh';
import { backendsOf, createServiceRole, startTestDatabase, type TestDatabase } from '../support/postgres';
import { serveSecrets, type LocalSecrets } from '../support/service-env';
import { databaseNames } from '../support/names';

const list = { path: '/api/test-contacts', query: { limit: '5' } };

describe('a database that accepts connections and never answers', () => {
  let blackhole: Blackhole;
  let secrets: LocalSecrets;

  beforeAll(async () => {
    blackhole = await startBlackhole();
    secrets = await serveSecrets({
      engine: 'postgres',
      host: '127.0.0.1',
      port: blackhole.port,
      username: 'u',
      password: 'p',
      dbname: 'd',
    });
  });

  afterAll(async () => {
    await secrets?.close();
    await blackhole?.close();
  });

  it('answers 503 with Retry-After within 3 s instead of hanging', async () => {
    const container = loadContainer();
    for (let i = 0; i < 2; i += 1) {
      const started = Date.now();
      const reply = await container.invoke('test-contacts/list', list);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(reply.status).toBe(503);
      expect(reply.headers['retry-after']).toMatch(/^\d+$/);
    }
  });
});

describe('a Secrets Manager that accepts connections and never answers', () => {
  let blackhole: Blackhole;
  let secrets: LocalSecrets;
  let database: TestDatabase;

  beforeAll(async () => {
    [blackhole, database] = await Promise.all([startBlackhole(), startTestDatabase()]);
    secrets = await serveSecrets(database.secret);
  });

  afterAll(async () => {
    await secrets?.close();
    await blackhole?.close();
    await database?.stop();
  });

  it('answers 503 with Retry-After within 3 s at cold start, and serves once Secrets Manager answers again', async () => {
    const hung = { AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${blackhole.port}` };
    const container = withEnv(hung, loadContainer);
    const started = Date.now();
    const reply = await withEnv(hung, () => container.invoke('test-contacts/list', list));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toMatch(/^\d+$/);
    // Two attempts, not the SDK's default of three.
    expect(blackhole.accepted()).toBe(2);
    blackhole.heal(Number(new URL(secrets.endpoint.url).port));
    expect((await withEnv(hung, () => container.invoke('test-contacts/list', list))).status).toBe(200);
  });
});

describe('a statement stuck behind a lock', () => {
  let database: TestDatabase;
  let secrets: LocalSecrets;
  const role = databaseNames.login;

  beforeAll(async () => {
    database = await startTestDatabase();
    secrets = await serveSecrets(await createServiceRole(database, role, 'locked:P@ss'));
  });

  afterAll(async () => {
    await secrets?.close();
    await database?.stop();
  });

  it('gives up within 3 s with a 503, frees its backend, and works once the lock is gone', async () => {
    const container = loadContainer();
    expect((await container.invoke('test-contacts/list', list)).status).toBe(200);
    const locker = new pg.Client({ ...database.secret, user: database.secret.username, database: database.secret.dbname });
    await locker.connect();
    try {
      await locker.query('begin; lock table test_contacts in access exclusive mode');
      const started = Date.now();
      const reply = await container.invoke('test-contacts/list', list);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(reply.status).toBe(503);
      // The server cancelled the statement too: no backend of the service is left waiting.
      await sleep(200);
      expect(await backendsOf(database, role)).toBe(0);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    expect((await container.invoke('test-contacts/list', list)).status).toBe(200);
    expect(await backendsOf(database, role)).toBe(1);
  });
});
