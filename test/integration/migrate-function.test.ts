import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { logger } from '../../src/lib/logger';
import { lambdaContext } from '../support/events';
import { count, migrationNames, startTestDatabase, type TestDatabase } from '../support/postgres';
import { databaseNames, serviceName } from '../support/names';
import { migrationDirs } from '../../src/api/registry';

const secretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-0000-AbCdEf';
const appSecretArn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${serviceName}/dev/app-database-AbCdEf`;
const migrations = migrationNames;
const secretsManager = mockClient(SecretsManagerClient);
let database: TestDatabase;
let taskRoot: string;
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<{ applied: string[] }>;

beforeAll(async () => {
  // A fresh database: the function applies everything itself.
  database = await startTestDatabase({}, { migrated: false });
  taskRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'api-task-'));
  // As the function's package holds them: migrations/, and the tests' own resource's beside it.
  for (const folder of ['migrations', ...migrationDirs])
    fs.cpSync(path.resolve(__dirname, '../..', folder), path.join(taskRoot, folder), { recursive: true });
  // An RDS-managed secret holds only the credentials; the stage supplies the cluster endpoint.
  secretsManager.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({
    SecretString: JSON.stringify({ username: database.secret.username, password: database.secret.password }),
  });
  // The functions' login, with a password only the release sets.
  secretsManager.on(GetSecretValueCommand, { SecretId: appSecretArn }).resolves({
    SecretString: JSON.stringify({
      engine: 'postgres',
      host: 'ignored',
      username: databaseNames.login,
      password: `release-'made' ${process.pid}`,
    }),
  });
  Object.assign(process.env, {
    STAGE: 'dev',
    DB_SECRET_ID: secretArn,
    DB_APP_SECRET_ID: appSecretArn,
    DB_HOST: '127.0.0.1',
    DB_PORT: String(database.secret.port),
    DB_NAME: database.secret.dbname,
    DB_SSL: 'off',
    LAMBDA_TASK_ROOT: taskRoot,
  });
  delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
  handler = (await import('../../src/handlers/migrate')).handler as unknown as typeof handler;
});

afterAll(async () => {
  secretsManager.restore();
  await database?.stop();
  fs.rmSync(taskRoot, { recursive: true, force: true });
});

it("applies the packaged migrations and makes the functions' login from its secret, then nothing on a second run", async () => {
  const info = jest.spyOn(logger, 'info');
  const first = await handler({}, lambdaContext(`${serviceName}-dev-migrate`));
  expect(info).toHaveBeenCalledWith('migrations applied', { applied: migrations, count: migrations.length });
  expect(info).toHaveBeenCalledWith(`application login ${databaseNames.login}: created`);
  info.mockRestore();
  expect(migrations.length).toBeGreaterThanOrEqual(2);
  expect(first.applied).toEqual(migrations);
  expect(await count(database.admin, "select count(*) as n from information_schema.tables where table_name = 'test_contacts'")).toBe(1);
  expect(await count(database.admin, `select count(*) as n from pg_roles where rolname = '${databaseNames.login}' and rolcanlogin`)).toBe(
    1,
  );
  expect(
    await count(
      database.admin,
      `select count(*) as n from pg_auth_members where roleid = '${databaseNames.applicationRole}'::regrole and member = '${databaseNames.login}'::regrole`,
    ),
  ).toBe(1);
  const login = new pg.Client({
    ...database.secret,
    user: databaseNames.login,
    password: `release-'made' ${process.pid}`,
    database: database.secret.dbname,
  });
  await login.connect();
  await expect(login.query('select count(*) from test_contacts')).resolves.toMatchObject({ rowCount: 1 });
  await login.end();
  expect(await handler({}, lambdaContext(`${serviceName}-dev-migrate`))).toEqual({ applied: [] });
  expect(await count(database.admin, 'select count(*) as n from pgmigrations')).toBe(migrations.length);
});

it('fails the invocation, and changes nothing, when a migration fails', async () => {
  fs.writeFileSync(
    path.join(taskRoot, 'migrations', '1799999999999_broken.sql'),
    '-- Up Migration\ncreate table half_done (id int);\nselect no_such_function();\n',
  );
  await expect(handler({}, lambdaContext(`${serviceName}-dev-migrate`))).rejects.toThrow(/no_such_function/);
  expect(await count(database.admin, "select count(*) as n from information_schema.tables where table_name = 'half_done'")).toBe(0);
  expect(await count(database.admin, 'select count(*) as n from pgmigrations')).toBe(migrations.length);
});

it('fails, changing nothing, when the login secret lacks its password', async () => {
  secretsManager
    .on(GetSecretValueCommand, { SecretId: appSecretArn })
    .resolves({ SecretString: JSON.stringify({ username: databaseNames.login }) });
  const before = await count(database.admin, 'select count(*) as n from pgmigrations');
  await expect(handler({}, lambdaContext(`${serviceName}-dev-migrate`))).rejects.toThrow(
    'The application login secret needs a username and a password',
  );
  expect(await count(database.admin, 'select count(*) as n from pgmigrations')).toBe(before);
});
