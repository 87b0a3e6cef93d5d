import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/lib/db/migrate';
import type { DbSecret } from '../../src/lib/storage/secret';
import { startLocalStack } from '../../src/local/local-stack';
import { loadContainer } from '../support/containers';
import { localDirNaming } from '../support/offline';
import { count, startTestDatabase, type TestDatabase } from '../support/postgres';
import { serveSecrets, type LocalSecrets } from '../support/service-env';
import { databaseNames } from '../support/names';

let database: TestDatabase;
let login: DbSecret;
const password = `app-'quoted'" \\ :/@?#&-${process.pid}`;

/** Runs `sql` as `secret`'s user: its rows, or the SQLSTATE the server refused it with. */
async function as(secret: DbSecret, sql: string): Promise<string> {
  const client = new pg.Client({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: secret.dbname,
  });
  try {
    await client.connect();
    const { rowCount } = await client.query(sql);
    return `ok ${rowCount ?? 0}`;
  } catch (error) {
    return (error as { code: string }).code;
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  database = await startTestDatabase();
  const log: string[] = [];
  await migrate(database.secret, { applicationLogin: { username: databaseNames.login, password }, log: (line) => log.push(line) });
  expect(log).toContain(`application login ${databaseNames.login}: created`);
  login = { ...database.secret, username: databaseNames.login, password };
});

afterAll(() => database?.stop());

describe('the application login that the release makes', () => {
  it('reads and writes the contacts table', async () => {
    expect(await as(login, "insert into test_contacts (id, email, name) values (gen_random_uuid(), 'role@example.com', 'Role')")).toBe(
      'ok 1',
    );
    expect(await as(login, 'select * from test_contacts')).toBe('ok 1');
    expect(await as(login, "update test_contacts set name = 'Renamed' where email = 'role@example.com'")).toBe('ok 1');
    expect(await as(login, "delete from test_contacts where email = 'role@example.com'")).toBe('ok 1');
  });

  it.each([
    ['create a table', 'create table stolen (id int)', '42501'],
    ['alter the contacts table', 'alter table test_contacts add column admin boolean', '42501'],
    ['drop the contacts table', 'drop table test_contacts', '42501'],
    ['truncate it', 'truncate users', '42501'],
    ['read the migrations table', 'select * from pgmigrations', '42501'],
    ['create a role', 'create role intruder', '42501'],
    ['become the superuser', 'set role postgres', '42501'],
    ['create a database', 'create database other', '42501'],
  ])('cannot %s', async (_what, sql, state) => {
    expect(await as(login, sql)).toBe(state);
  });

  it('never owns the schema or a table', async () => {
    expect(await count(database.admin, `select count(*) as n from pg_tables where tableowner = '${databaseNames.login}'`)).toBe(0);
    expect(
      await count(database.admin, `select count(*) as n from pg_namespace where pg_get_userbyid(nspowner) = '${databaseNames.login}'`),
    ).toBe(0);
    expect(
      await count(
        database.admin,
        `select count(*) as n from pg_roles where rolname = '${databaseNames.login}' and (rolsuper or rolcreaterole or rolcreatedb)`,
      ),
    ).toBe(0);
  });

  it('is kept by a later release, whose password it does not take: the rotation owns it', async () => {
    const log: string[] = [];
    await migrate(database.secret, {
      applicationLogin: { username: databaseNames.login, password: 'another-password' },
      log: (line) => log.push(line),
    });
    expect(log).toContain(`application login ${databaseNames.login}: kept`);
    expect(await as(login, 'select 1')).toBe('ok 1');
    // A login that lost the role's membership gets it back.
    await database.admin.query(`revoke ${databaseNames.applicationRole} from ${databaseNames.login}`);
    expect(await as(login, 'select * from test_contacts')).toBe('42501');
    await migrate(database.secret, { applicationLogin: { username: databaseNames.login, password: 'another-password' } });
    expect(await as(login, 'select * from test_contacts')).toBe('ok 0');
    expect(await as({ ...login, password: 'another-password' }, 'select 1')).toBe('28P01');
  });

  it('gives the clone that alternating-users rotation makes (GRANT <user> TO <user>_clone) the same privileges, and no more', async () => {
    await database.admin.query(`create role ${databaseNames.login}_clone login password 'clone-password'`);
    await database.admin.query(`grant ${databaseNames.login} to ${databaseNames.login}_clone`);
    const clone = { ...login, username: `${databaseNames.login}_clone`, password: 'clone-password' };
    expect(await as(clone, 'select * from test_contacts')).toBe('ok 0');
    expect(await as(clone, 'create table stolen (id int)')).toBe('42501');
  });

  it('serves every users route as the functions in AWS do', async () => {
    let secrets: LocalSecrets | undefined;
    try {
      secrets = await serveSecrets(login);
      const container = loadContainer();
      const created = await container.invoke('test-contacts/create', {
        method: 'POST',
        path: '/api/test-contacts',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'least@example.com', name: 'Least Privilege' }),
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const byId = { route: '/api/test-contacts/{id}', path: `/api/test-contacts/${id}`, pathParameters: { id } };
      expect((await container.invoke('test-contacts/get', byId)).status).toBe(200);
      expect((await container.invoke('test-contacts/list', { path: '/api/test-contacts' })).status).toBe(200);
      expect((await container.invoke('health-ready', { path: '/api/health/ready' })).status).toBe(200);
      const replaced = await container.invoke('test-contacts/update', {
        ...byId,
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'least@example.com', name: 'Renamed' }),
      });
      expect(replaced.status).toBe(200);
      expect((await container.invoke('test-contacts/delete', { ...byId, method: 'DELETE' })).status).toBe(204);
      expect(
        await count(database.admin, `select count(*) as n from pg_stat_activity where usename = '${databaseNames.login}'`),
      ).toBeGreaterThan(0);
    } finally {
      await secrets?.close();
    }
  });
});

describe('a login that may not even create tables', () => {
  it('stops npm start with an error naming the database and the missing privilege', async () => {
    await database.admin.query("create role visitor login password 'visitor'");
    await database.admin.query('create database visitordb');
    const localDir = localDirNaming({ ...database.secret, username: 'visitor', password: 'visitor', dbname: 'visitordb' });
    try {
      await expect(startLocalStack({ localDir, log: () => undefined })).rejects.toThrow(
        `Could not migrate the database at 127.0.0.1:${database.secret.port}/visitordb named by ${path.join(localDir, 'secrets', 'db.json')}: ` +
          'visitor may not create tables in visitordb: the migrations need the CREATE privilege on schema public, ' +
          "which the database's owner has (Unable to ensure migrations table: error: permission denied for schema public)",
      );
    } finally {
      fs.rmSync(localDir, { recursive: true, force: true });
    }
  });
});
