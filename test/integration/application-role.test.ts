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
  await migrate(database.secret, { applicationLogin: { username: 'users_api', password }, log: (line) => log.push(line) });
  expect(log).toContain('application login users_api: created');
  login = { ...database.secret, username: 'users_api', password };
});

afterAll(() => database?.stop());

describe('the application login that the release makes', () => {
  it('reads and writes the users table', async () => {
    expect(await as(login, "insert into users (id, email, name) values (gen_random_uuid(), 'role@example.com', 'Role')")).toBe('ok 1');
    expect(await as(login, 'select * from users')).toBe('ok 1');
    expect(await as(login, "update users set name = 'Renamed' where email = 'role@example.com'")).toBe('ok 1');
    expect(await as(login, "delete from users where email = 'role@example.com'")).toBe('ok 1');
  });

  it.each([
    ['create a table', 'create table stolen (id int)', '42501'],
    ['alter the users table', 'alter table users add column admin boolean', '42501'],
    ['drop the users table', 'drop table users', '42501'],
    ['truncate it', 'truncate users', '42501'],
    ['read the migrations table', 'select * from pgmigrations', '42501'],
    ['create a role', 'create role intruder', '42501'],
    ['become the superuser', 'set role postgres', '42501'],
    ['create a database', 'create database other', '42501'],
  ])('cannot %s', async (_what, sql, state) => {
    expect(await as(login, sql)).toBe(state);
  });

  it('never owns the schema or a table', async () => {
    expect(await count(database.admin, "select count(*) as n from pg_tables where tableowner = 'users_api'")).toBe(0);
    expect(await count(database.admin, "select count(*) as n from pg_namespace where pg_get_userbyid(nspowner) = 'users_api'")).toBe(0);
    expect(
      await count(
        database.admin,
        "select count(*) as n from pg_roles where rolname = 'users_api' and (rolsuper or rolcreaterole or rolcreatedb)",
      ),
    ).toBe(0);
  });

  it('is kept by a later release, whose password it does not take: the rotation owns it', async () => {
    const log: string[] = [];
    await migrate(database.secret, {
      applicationLogin: { username: 'users_api', password: 'another-password' },
      log: (line) => log.push(line),
    });
    expect(log).toContain('application login users_api: kept');
    expect(await as(login, 'select 1')).toBe('ok 1');
    // A login that lost the role's membership gets it back.
    await database.admin.query('revoke users_api_app from users_api');
    expect(await as(login, 'select * from users')).toBe('42501');
    await migrate(database.secret, { applicationLogin: { username: 'users_api', password: 'another-password' } });
    expect(await as(login, 'select * from users')).toBe('ok 0');
    expect(await as({ ...login, password: 'another-password' }, 'select 1')).toBe('28P01');
  });

  it('gives the clone that alternating-users rotation makes (GRANT <user> TO <user>_clone) the same privileges, and no more', async () => {
    await database.admin.query("create role users_api_clone login password 'clone-password'");
    await database.admin.query('grant users_api to users_api_clone');
    const clone = { ...login, username: 'users_api_clone', password: 'clone-password' };
    expect(await as(clone, 'select * from users')).toBe('ok 0');
    expect(await as(clone, 'create table stolen (id int)')).toBe('42501');
  });

  it('serves every users route as the functions in AWS do', async () => {
    let secrets: LocalSecrets | undefined;
    try {
      secrets = await serveSecrets(login);
      const container = loadContainer();
      const created = await container.invoke('users/create', {
        method: 'POST',
        path: '/api/users',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'least@example.com', name: 'Least Privilege' }),
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const byId = { route: '/api/users/{id}', path: `/api/users/${id}`, pathParameters: { id } };
      expect((await container.invoke('users/get', byId)).status).toBe(200);
      expect((await container.invoke('users/list', { path: '/api/users' })).status).toBe(200);
      expect((await container.invoke('health-ready', { path: '/api/health/ready' })).status).toBe(200);
      const replaced = await container.invoke('users/update', {
        ...byId,
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'least@example.com', name: 'Renamed' }),
      });
      expect(replaced.status).toBe(200);
      expect((await container.invoke('users/delete', { ...byId, method: 'DELETE' })).status).toBe(204);
      expect(await count(database.admin, "select count(*) as n from pg_stat_activity where usename = 'users_api'")).toBeGreaterThan(0);
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
