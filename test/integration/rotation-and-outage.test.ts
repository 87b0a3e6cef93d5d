import { setTimeout as sleep } from 'node:timers/promises';
import { loadContainer, runLoad, type Container, type Outcome } from '../support/containers';
import { backendsOf, count, createServiceRole, dropBackends, setPassword, startTestDatabase, type TestDatabase } from '../support/postgres';
import { serveSecrets, type LocalSecrets } from '../support/service-env';
import { databaseNames } from '../support/names';

const containerCount = 4;
let database: TestDatabase;
let secrets: LocalSecrets;
let containers: Container[];
const role = databaseNames.login;

const failures = (outcomes: Outcome[]) => outcomes.filter((o) => o.status >= 300);

async function expectAcknowledgedWritesPresent(outcomes: Outcome[]) {
  const ids = outcomes.filter((o) => o.op === 'create' && o.status === 201).map((o) => o.id);
  expect(ids.length).toBeGreaterThan(0);
  expect(await count(database.admin, 'select count(*) as n from test_contacts where id = any($1::uuid[])', [ids])).toBe(ids.length);
}

beforeAll(async () => {
  database = await startTestDatabase();
  const secret = await createServiceRole(database, role, 'first:P@ss/word?');
  secrets = await serveSecrets(secret);
  containers = Array.from({ length: containerCount }, loadContainer);
  for (const container of containers) expect((await container.invoke('health-ready', { path: '/api/health/ready' })).status).toBe(200);
});

afterAll(async () => {
  await secrets?.close();
  await database?.stop();
});

it('starts with one connection and one secret fetch per container', async () => {
  expect(containers.map((c) => c.opened())).toEqual(Array(containerCount).fill(1));
  expect(await backendsOf(database, role)).toBe(containerCount);
  expect(secrets.endpoint.fetches.get('db')).toBe(containerCount);
});

it('rotates the password under load, dropping every backend, with zero failed requests', async () => {
  const rotated = { ...database.secret, username: role, password: 'second#P@ss&word' };
  let dropped = 0;
  const rotation = (async () => {
    await sleep(700);
    await setPassword(database, role, rotated.password);
    secrets.write(rotated);
    dropped = await dropBackends(database, role);
    await sleep(1500);
  })();
  const outcomes = await runLoad(containers, rotation);

  expect(dropped).toBe(containerCount);
  expect(outcomes.length).toBeGreaterThan(50);
  expect(failures(outcomes)).toEqual([]);
  await expectAcknowledgedWritesPresent(outcomes);
  // Each container refetched the secret once and reconnected once.
  expect(secrets.endpoint.fetches.get('db')).toBe(containerCount * 2);
  expect(containers.map((c) => c.opened())).toEqual(Array(containerCount).fill(2));
  expect(await backendsOf(database, role)).toBe(containerCount);
});

it('answers 503 with Retry-After within 3 s while the database is down, and recovers by itself', async () => {
  let upAt = Infinity;
  const outage = (async () => {
    await sleep(500);
    await database.server.stop();
    await sleep(2000);
    await database.start();
    upAt = Date.now();
    await sleep(1500);
  })();
  const outcomes = await runLoad(containers, outage);

  const statuses = new Set(outcomes.map((o) => o.status));
  expect([...statuses].filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
  const unavailable = outcomes.filter((o) => o.status === 503);
  expect(unavailable.length).toBeGreaterThan(0);
  for (const o of unavailable) expect(o.retryAfter).toMatch(/^\d+$/);
  expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(3000);
  const afterRecovery = outcomes.filter((o) => o.startedAt > upAt + 200);
  expect(afterRecovery.length).toBeGreaterThan(10);
  expect(failures(afterRecovery)).toEqual([]);
  await expectAcknowledgedWritesPresent(outcomes);
  // A create answered 503 may or may not have landed, but no request ever produced two rows.
  const attempted = outcomes.filter((o) => o.op === 'create').map((o) => o.email);
  const stored = await count(database.admin, 'select count(*) as n from test_contacts where email = any($1::text[])', [attempted]);
  expect(stored).toBeGreaterThanOrEqual(outcomes.filter((o) => o.status === 201).length);
  expect(stored).toBeLessThanOrEqual(attempted.length);
});
