import { loadContainer } from '../support/containers';
import { backendsOf, count, createServiceRole, startTestDatabase, type TestDatabase } from '../support/postgres';
import { serveSecrets, type LocalSecrets } from '../support/service-env';
import { databaseNames } from '../support/names';

/**
 * The server ends the service's idle sessions (idle_session_timeout, as the stage's cluster
 * parameter group sets it), and the service takes that as routine: a frozen container that thaws
 * on a connection the server has ended replaces it before sending anything.
 */
const role = databaseNames.login;
const idleTimeoutMs = 1500;
let database: TestDatabase;
let secrets: LocalSecrets;

beforeAll(async () => {
  database = await startTestDatabase();
  const secret = await createServiceRole(database, role, 'idle:P@ss');
  // For the service's role only: the test's own admin session stays.
  await database.admin.query(`alter role ${role} set idle_session_timeout = ${idleTimeoutMs}`);
  secrets = await serveSecrets(secret, { DB_IDLE_SESSION_TIMEOUT_MS: String(idleTimeoutMs) });
});

afterAll(async () => {
  await secrets?.close();
  await database?.stop();
});

/** What a Lambda freeze does: no event of the process runs, so a closed socket goes unnoticed until the thaw. */
const freeze = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

const json = { 'content-type': 'application/json' };

it('writes exactly once, with no 503, after thawing on a connection the server ended while it was frozen', async () => {
  const container = loadContainer();
  const create = (n: number) =>
    container.invoke('test-contacts/create', {
      method: 'POST',
      path: '/api/test-contacts',
      headers: json,
      body: JSON.stringify({ email: `idle${n}@example.com`, name: `Idle ${n}` }),
    });
  expect((await create(1)).status).toBe(201);
  expect(container.opened()).toBe(1);
  freeze(idleTimeoutMs + 1000);
  const reply = await create(2);
  expect(reply.status).toBe(201);
  expect(await count(database.admin, "select count(*) as n from test_contacts where email = 'idle2@example.com'")).toBe(1);
  expect(container.opened()).toBe(2);
});

it('leaves no session of the service on a server with no traffic', async () => {
  const container = loadContainer();
  expect((await container.invoke('test-contacts/list', { path: '/api/test-contacts' })).status).toBe(200);
  expect(await backendsOf(database, role)).toBeGreaterThan(0);
  await new Promise((resolve) => setTimeout(resolve, idleTimeoutMs + 1000));
  expect(await backendsOf(database, role)).toBe(0);
  // And the next request simply opens a new one.
  expect((await container.invoke('test-contacts/list', { path: '/api/test-contacts' })).status).toBe(200);
});

it("serves every request again once a storm is over: the winners' idle sessions end and give their slots back", async () => {
  const slots = 12;
  await database.admin.query(`alter role ${role} connection limit ${slots}`);
  try {
    const containers = Array.from({ length: 40 }, loadContainer);
    const list = (index: number) => containers[index]!.invoke('test-contacts/list', { path: '/api/test-contacts' });
    const storm = await Promise.all(containers.map((_, index) => list(index)));
    expect(storm.filter((reply) => ![200, 503].includes(reply.status))).toEqual([]);
    expect(storm.filter((reply) => reply.status === 503).length).toBeGreaterThan(0);
    expect(await backendsOf(database, role)).toBeLessThanOrEqual(slots);
    // The storm is over. Within the idle timeout, the server has ended the winners' idle sessions, so
    // the containers that got 503 (traffic back to normal: as many as there are slots) are served.
    const losers = storm.flatMap((reply, index) => (reply.status === 503 ? [index] : [])).slice(0, slots);
    await new Promise((resolve) => setTimeout(resolve, idleTimeoutMs + 500));
    const after: number[] = [];
    for (const index of losers) after.push((await list(index)).status);
    expect(after).toEqual(Array(losers.length).fill(200));
  } finally {
    await database.admin.query(`alter role ${role} connection limit -1`);
  }
});
