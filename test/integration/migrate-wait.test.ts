import { migrate } from '../../src/lib/db/migrate';
import { count, migrationCount, startTestDatabase, type TestDatabase } from '../support/postgres';

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
  expect(log.filter((line) => line.startsWith('waiting for the database (ECONNREFUSED)')).length).toBeGreaterThan(1);
  expect(log.some((line) => /^database reachable after waiting \d+ ms/.test(line))).toBe(true);
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
