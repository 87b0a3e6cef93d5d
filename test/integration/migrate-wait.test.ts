import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { migrate } from '../../src/lib/db/migrate';
import { migrationDirs } from '../../src/api/registry';
import { listenOnLoopback } from '../../src/local/loopback-server';
import { fresh } from '../support/fresh';
import { count, createServiceRole, migrationCount, startTestDatabase, type TestDatabase } from '../support/postgres';
import { serviceName } from '../support/names';

/** `migrate` against a cluster that is paused (down) and resumes a little later, as Aurora does. */
let database: TestDatabase;

beforeAll(async () => {
  database = await startTestDatabase({}, { migrated: false });
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
  const migration = migrate(database.secret, { extraDirs: migrationDirs, waitMs: 30_000, log: (line) => log.push(line) });
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

it('waits while logins are dropped (a failover), then gives up after its bound', async () => {
  // A loopback server that accepts each connection and closes it at once.
  const dropping = net.createServer((socket) => socket.destroy());
  const { url, close } = await listenOnLoopback(dropping as never);
  try {
    const log: string[] = [];
    const port = Number(new URL(url).port);
    await expect(migrate({ ...database.secret, port }, { waitMs: 1000, log: (line) => log.push(line) })).rejects.toThrow();
    expect(log.slice(0, 2)).toEqual([
      'waiting for the database (connection-lost): attempt 1, next in 250 ms',
      'waiting for the database (connection-lost): attempt 2, next in 500 ms',
    ]);
  } finally {
    await close();
  }
});

describe("migrate's own session", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-migrations-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names itself to the server, and says nothing of waiting when the server was there', async () => {
    fs.writeFileSync(
      path.join(dir, '1_seen.sql'),
      "create table migrate_seen as select current_setting('application_name') as application_name;",
    );
    const log: string[] = [];
    expect(await migrate(database.secret, { dir, log: (line) => log.push(line) })).toEqual(['1_seen']);
    const { rows } = await database.admin.query('select application_name from migrate_seen');
    expect(rows).toEqual([{ application_name: `${serviceName}-migrate` }]);
    expect(log.filter((line) => /reachable|waiting/.test(line))).toEqual([]);
  });

  it('applies the pending migrations in one transaction: a failing one leaves none of them applied', async () => {
    fs.writeFileSync(path.join(dir, '2_first.sql'), 'create table migrate_first (id int);');
    fs.writeFileSync(path.join(dir, '3_broken.sql'), 'select * from no_such_table;');
    await expect(migrate(database.secret, { dir })).rejects.toMatchObject({ code: '42P01' });
    expect(await count(database.admin, "select count(*) as n from pg_tables where tablename = 'migrate_first'")).toBe(0);
    expect(await count(database.admin, "select count(*) as n from pgmigrations where name in ('2_first', '3_broken')")).toBe(0);
  });

  it("takes the project's migrations by default", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { migrationsDir } = fresh(() => require('../../src/lib/db/migrate') as typeof import('../../src/lib/db/migrate'));
    expect(fs.readdirSync(migrationsDir)).toContain('1763949600000_application-role.sql');
  });
});
