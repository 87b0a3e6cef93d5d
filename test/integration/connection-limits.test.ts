import { loadContainer, runLoad, type Outcome } from '../support/containers';
import { ensurePgbouncer, startPgbouncer, type Pgbouncer } from '../support/pgbouncer';
import { count, createServiceRole, peakBackends, startTestDatabase, type TestDatabase } from '../support/postgres';
import { serveSecrets, type LocalSecrets } from '../support/service-env';
import { databaseNames } from '../support/names';

const role = databaseNames.login;
const password = 'limits:P@ss/word';

async function expectAcknowledgedWritesPresent(database: TestDatabase, outcomes: Outcome[]) {
  const ids = outcomes.filter((o) => o.status === 201).map((o) => o.id);
  expect(await count(database.admin, 'select count(*) as n from test_contacts where id = any($1::uuid[])', [ids])).toBe(ids.length);
}

describe('more containers than the database has connection slots', () => {
  const slots = 3;
  let database: TestDatabase;
  let secrets: LocalSecrets;

  beforeAll(async () => {
    // Non-superusers get max_connections - superuser_reserved_connections slots, less the one the test's superuser takes.
    database = await startTestDatabase({ max_connections: slots + 4, superuser_reserved_connections: 3 });
    secrets = await serveSecrets(await createServiceRole(database, role, password));
  });

  afterAll(async () => {
    await secrets?.close();
    await database?.stop();
  });

  it('backs off, then answers 503 with Retry-After within 3 s; never a 500, never over the limit', async () => {
    const containers = Array.from({ length: slots + 3 }, loadContainer);
    const watch = peakBackends(database, role, 30);
    const outcomes = await runLoad(containers, watch);
    const peak = await watch;

    expect(outcomes.filter((o) => ![200, 201, 503].includes(o.status))).toEqual([]);
    const refused = outcomes.filter((o) => o.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status < 300).length).toBeGreaterThan(0);
    for (const o of refused) expect(o.retryAfter).toMatch(/^\d+$/);
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(3000);
    expect(peak).toBe(slots);
    // One connection per container that got a slot; the others keep trying without leaking any.
    expect(containers.map((c) => c.opened()).sort()).toEqual([...Array(3).fill(0), ...Array(slots).fill(1)]);
    await expectAcknowledgedWritesPresent(database, outcomes);
  });
});

const skipReason = ensurePgbouncer();
if (skipReason) console.warn(`Skipping the pgbouncer tests: ${skipReason}`);
(skipReason ? describe.skip : describe)('behind pgbouncer in transaction mode (as behind RDS Proxy)', () => {
  const poolSize = 2;
  let database: TestDatabase;
  let secrets: LocalSecrets;
  let bouncer: Pgbouncer;

  beforeAll(async () => {
    database = await startTestDatabase();
    const secret = await createServiceRole(database, role, password);
    bouncer = await startPgbouncer(database.server, role, password, poolSize);
    // The secret names the cluster; the stage's proxy setting sends connections through the pooler.
    secrets = await serveSecrets(secret, { DB_PROXY_HOST: '127.0.0.1', DB_PROXY_PORT: String(bouncer.port) });
  });

  afterAll(async () => {
    delete process.env.DB_PROXY_HOST;
    delete process.env.DB_PROXY_PORT;
    await secrets?.close();
    await bouncer?.stop();
    await database?.stop();
  });

  it('serves every request while many containers share a few server connections', async () => {
    const containers = Array.from({ length: 6 }, loadContainer);
    const watch = peakBackends(database, role, 20);
    const outcomes = await runLoad(containers, watch);
    const peak = await watch;

    expect(outcomes.length).toBeGreaterThan(50);
    expect(outcomes.filter((o) => o.status >= 300)).toEqual([]);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(poolSize);
    expect(containers.map((c) => c.opened())).toEqual(Array(6).fill(1));
    await expectAcknowledgedWritesPresent(database, outcomes);
  });
});

(skipReason ? describe.skip : describe)('a pooler named by the secret itself, with no proxy setting', () => {
  let database: TestDatabase;
  let secrets: LocalSecrets;
  let bouncer: Pgbouncer;

  beforeAll(async () => {
    database = await startTestDatabase();
    await createServiceRole(database, role, password);
    bouncer = await startPgbouncer(database.server, role, password, 2);
    // As a developer writes .local/secrets/db.json for a PgBouncer: nothing says it is a pooler.
    delete process.env.DB_PROXY_HOST;
    delete process.env.DB_PROXY_PORT;
    secrets = await serveSecrets({ ...database.secret, port: bouncer.port, username: role, password });
  });

  afterAll(async () => {
    await secrets?.close();
    await bouncer?.stop();
    await database?.stop();
  });

  it('notices that the pooler refuses settings at login and serves every request without them', async () => {
    const containers = Array.from({ length: 3 }, loadContainer);
    const watch = peakBackends(database, role, 10);
    const outcomes = await runLoad(containers, watch);
    await watch;
    expect(outcomes.length).toBeGreaterThan(20);
    expect(outcomes.filter((o) => o.status >= 300)).toEqual([]);
    // The refused login opened nothing: one connection per container.
    expect(containers.map((c) => c.opened())).toEqual([1, 1, 1]);
    await expectAcknowledgedWritesPresent(database, outcomes);
  });
});
