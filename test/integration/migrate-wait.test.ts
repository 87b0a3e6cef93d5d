import { migrate } from '../../src/lib/db/migrate';
import { count, createServiceRole, migrationCount, startTestDatabase, type TestDatabase } from '../support/postgres';

jest.setTimeout(60_000);

/** `migrate` against a cluster that is paused (down) and resumes a little later, as Aurora does. */
let database: TestDatabase;

beforeAll(async () => {
  database = await startTestDatabase();
  await database.admin.query('drop table users; drop table pgmigrations');
});

afterAll(async () => database?.stop());

it('fails at once when it may not wait and the server is away', async () => {
  await database.server.stop();
  try {
    const started = Date.now();
    await expect(migrate(database.secret)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeLessThan(2000);
  } finally {
    await database.start();
  }
});

it('waits for a server that comes back within its bound, says what it waited for, then applies everything', async () => {
  await database.server.stop();
  const log: string[] = [];
  const migration = migrate(database.secret, { waitMs: 30_000, log: (line) => log.push(line) });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await database.start();
  expect(await migration).toHaveLength(migrationCount);
  const waits = log.filter((line) => line.startsWith('waiting for the database'));
  // Capped exponential backoff: 250 ms, then twice as long each time.
  expect(waits.slice(0, 3)).toEqual(
    [1, 2, 3].map((n) => `waiting for the database (ECONNREFUSED): attempt ${n}, next in ${125 * 2 ** n} ms`),
  );
  const reachable = log.find((line) => line.startsWith('database reachable'))!;
  const [, waitedMs, attempts] = /^database reachable after waiting (\d+) ms \((\d+) attempts\)$/.exec(reachable)!;
  expect(Number(waitedMs)).toBeGreaterThanOrEqual(1500);
  expect(Number(waitedMs)).toBeLessThan(30_000);
  expect(Number(attempts)).toBe(waits.length);
  expect(await count(database.admin, 'select count(*) as n from pgmigrations')).toBe(migrationCount);
});

it('gives up after its bound', async () => {
  await database.server.stop();
  try {
    const started = Date.now();
    await expect(migrate(database.secret, { waitMs: 1500 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(Date.now() - started).toBeLessThan(4000);
  } finally {
    await database.start();
  }
});

it('does not wait for credentials the server rejects, however long it may wait', async () => {
  const log: string[] = [];
  const started = Date.now();
  await expect(migrate({ ...database.secret, password: 'wrong' }, { waitMs: 30_000, log: (line) => log.push(line) })).rejects.toMatchObject(
    {
      code: '28P01',
    },
  );
  expect(Date.now() - started).toBeLessThan(2000);
  expect(log).toEqual([]);
});

it('waits while the server has no connection slot for it, then gives up after its bound', async () => {
  const limited = await createServiceRole(database, 'migrate_limited', 'limited:P@ss');
  await database.admin.query('alter role migrate_limited connection limit 0');
  const log: string[] = [];
  await expect(migrate(limited, { waitMs: 1000, log: (line) => log.push(line) })).rejects.toMatchObject({ code: '53300' });
  expect(log).toEqual([
    'waiting for the database (53300): attempt 1, next in 250 ms',
    'waiting for the database (53300): attempt 2, next in 500 ms',
  ]);
});
