import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/lib/db/migrate';
import { migrationDirs } from '../../src/api/registry';
import type { DbSecret } from '../../src/lib/storage/secret';
import { relocatedHome } from '../../src/local/embedded-cluster';
import { signToken } from '../../src/local/token-issuer';
import {
  printedToken,
  request,
  startOffline,
  startOfflineOnTestDatabase,
  type OfflineOnDatabase,
  type OfflineServer,
  type Reply,
} from '../support/offline';
import { ensurePgbouncer, startPgbouncer, type Pgbouncer } from '../support/pgbouncer';
import {
  count,
  createServiceRole,
  dropBackends,
  dropTables,
  migrationCount,
  peakBackends,
  setPassword,
  type TestDatabase,
} from '../support/postgres';
import { expectProblemBody } from '../support/problems';
import { databaseNames, serviceName } from '../support/names';

function expectProblem(reply: Reply, status: number) {
  expect(reply.status).toBe(status);
  expect(reply.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expectProblemBody(reply.body, status);
}

const json = { 'content-type': 'application/json' };
const strangerKey = { kid: randomUUID(), privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };

/** Alive and not a zombie waiting for a parent that has gone. */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('sls offline against a PostgreSQL named by .local/secrets/db.json', () => {
  let database: TestDatabase;
  let offline: OfflineServer;
  let localDir: string;
  let local: OfflineOnDatabase;
  const call = (method: string, route: string, init?: { body?: string; headers?: Record<string, string>; anonymous?: boolean }) =>
    request(offline, method, route, init);
  const users = () => count(database.admin, 'select count(*) as n from test_contacts');

  beforeAll(async () => {
    local = await startOfflineOnTestDatabase({
      secretFor: async (fresh) => {
        await dropTables(fresh.admin);
        return fresh.secret;
      },
    });
    ({ database, offline, localDir } = local);
  });

  afterAll(() => local?.stop());

  it('applied the migrations to that server and started no embedded one', async () => {
    expect(await count(database.admin, 'select count(*) as n from pgmigrations')).toBe(migrationCount);
    expect(fs.existsSync(path.join(localDir, 'pgdata'))).toBe(false);
  });

  it('serves the health routes', async () => {
    expect((await call('GET', '/api/health/live')).body).toEqual({ status: 'ok' });
    expect((await call('GET', '/api/health/ready')).status).toBe(200);
    const health = await call('GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      stage: 'local',
      version: expect.any(String),
      coldStart: expect.any(Boolean),
      database: { status: 'ok' },
    });
  });

  it('serves the contacts routes over HTTP', async () => {
    const created = await call('POST', '/api/test-contacts', {
      headers: json,
      body: JSON.stringify({ email: 'E2E@Example.com', name: 'End To End' }),
    });
    expect(created.status).toBe(201);
    expect(created.body.email).toBe('e2e@example.com');
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`/api/test-contacts/${id}`);

    expect((await call('GET', `/api/test-contacts/${id}`)).body).toEqual(created.body);
    const list = await call('GET', '/api/test-contacts?limit=1');
    expect(list.body).toEqual({ items: [created.body], next: null });

    const replaced = await call('PUT', `/api/test-contacts/${id}`, {
      headers: json,
      body: JSON.stringify({ email: 'e2e2@example.com', name: 'Renamed' }),
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id, email: 'e2e2@example.com', name: 'Renamed' });

    expect((await call('DELETE', `/api/test-contacts/${id}`)).status).toBe(204);
    expect(await count(database.admin, 'select count(*) as n from test_contacts')).toBe(0);
  });

  it('answers every error case with a problem document', async () => {
    await call('POST', '/api/test-contacts', { headers: json, body: '{"email":"taken@example.com","name":"Taken"}' });
    expectProblem(await call('POST', '/api/test-contacts', { headers: json, body: '{"email":"TAKEN@example.com","name":"Again"}' }), 409);
    expectProblem(await call('POST', '/api/test-contacts', { headers: json, body: '{"email":' }), 400);
    const invalid = await call('POST', '/api/test-contacts', { headers: json, body: '{"email":"nope"}' });
    expectProblem(invalid, 400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(['email', 'name']);
    expectProblem(
      await call('POST', '/api/test-contacts', { headers: json, body: JSON.stringify({ email: 'a@b.co', name: 'x'.repeat(70_000) }) }),
      413,
    );
    expectProblem(await call('POST', '/api/test-contacts', { headers: { 'content-type': 'text/plain' }, body: 'hello' }), 415);
    expectProblem(await call('GET', '/api/test-contacts/not-a-uuid'), 404);
    expectProblem(await call('GET', '/api/test-contacts/01890000-0000-7000-8000-000000000000'), 404);
    expectProblem(await call('GET', '/api/test-contacts?limit=500'), 400);
    expectProblem(await call('GET', '/api/nowhere'), 404);
    const otherMethod = await call('PATCH', '/api/test-contacts');
    expectProblem(otherMethod, 405);
    expect(otherMethod.headers.get('allow')).toBe('GET, POST');
  });

  it('answers a browser preflight', async () => {
    const preflight = await call('OPTIONS', '/api/test-contacts', {
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    // The handler answers 204; serverless-offline rewrites every preflight status to 200.
    expect([200, 204]).toContain(preflight.status);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('serves the health routes to anyone, and a contacts route only with a token of the local issuer', async () => {
    expect((await call('GET', '/api/health/ready', { anonymous: true })).status).toBe(200);
    const refused = await call('GET', '/api/test-contacts', { anonymous: true });
    expectProblem(refused, 401);
    expect(refused.headers.get('www-authenticate')).toBe(`Bearer realm="${serviceName}"`);
    expect((await call('GET', '/api/test-contacts')).status).toBe(200);
  });

  it('accepts the token that npm run token prints, as the docs use it', async () => {
    const printed = await printedToken(localDir, 'test-contacts.read');
    expect(printed).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await call('GET', '/api/test-contacts', { headers: { authorization: `Bearer ${printed}` } })).status).toBe(200);
    const write = await call('POST', '/api/test-contacts', {
      headers: { ...json, authorization: `Bearer ${printed}` },
      body: '{"email":"read-only@example.com","name":"Read Only"}',
    });
    expectProblem(write, 403);
  });

  it.each([
    [
      'forged (signed by another key)',
      401,
      () => `Bearer ${signToken(strangerKey, { scopes: ['test-contacts.read', 'test-contacts.write'] })}`,
    ],
    ['expired', 401, () => offline.authorization({ now: Date.now() - 7200_000 })],
    [
      'alg: none',
      401,
      () => `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${offline.authorization().split('.')[1]}.`,
    ],
    ['from another issuer', 401, () => offline.authorization({ claims: { iss: 'https://issuer.example.com' } })],
    ['for another client', 401, () => offline.authorization({ clientId: 'another-app' })],
    ['without test-contacts.write', 403, () => offline.authorization({ scopes: ['test-contacts.read'] })],
  ])('refuses a %s token with %i, a challenge and no write', async (_case, status, authorization) => {
    const before = await users();
    const reply = await call('POST', '/api/test-contacts', {
      headers: { ...json, authorization: authorization() },
      body: JSON.stringify({ email: `refused-${status}-${Date.now()}@example.com`, name: 'Refused' }),
    });
    expectProblem(reply, status);
    expect(reply.headers.get('www-authenticate')).toContain(status === 401 ? 'error="invalid_token"' : 'error="insufficient_scope"');
    expect(await users()).toBe(before);
  });

  it('replays a POST repeated with its Idempotency-Key from DynamoDB Local: one contact, the first response', async () => {
    const body = JSON.stringify({ email: 'retried@example.com', name: 'Retried' });
    const headers = { ...json, 'idempotency-key': '"retry-1"' };
    const first = await call('POST', '/api/test-contacts', { headers, body });
    expect(first.status).toBe(201);
    const repeat = await call('POST', '/api/test-contacts', { headers, body });
    expect(repeat.status).toBe(201);
    expect(repeat.body).toEqual(first.body);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expectProblem(
      await call('POST', '/api/test-contacts', { headers, body: JSON.stringify({ email: 'other@example.com', name: 'Other' }) }),
      422,
    );
    expect(await count(database.admin, "select count(*) as n from test_contacts where email = 'retried@example.com'")).toBe(1);
    expect(fs.readdirSync(path.join(localDir, 'dynamodb')).length).toBeGreaterThan(0);
  });

  it('keeps answering through a password rotation that drops every connection', async () => {
    const secretFile = path.join(localDir, 'secrets', 'db.json');
    const rotate = async (password: string) => {
      await setPassword(database, database.secret.username, password);
      fs.writeFileSync(secretFile, JSON.stringify({ ...database.secret, password }));
    };
    expect((await call('GET', '/api/test-contacts')).status).toBe(200);
    await rotate('rotated:P@ss/word');
    expect(await dropBackends(database, database.secret.username)).toBeGreaterThan(0);
    for (let i = 0; i < 5; i += 1) expect((await call('GET', '/api/test-contacts')).status).toBe(200);
    expect(
      (await call('POST', '/api/test-contacts', { headers: json, body: '{"email":"rotated@example.com","name":"Rotated"}' })).status,
    ).toBe(201);
    await rotate(database.secret.password);
    await dropBackends(database, database.secret.username);
    expect((await call('GET', '/api/health/ready')).status).toBe(200);
  });

  it('answers 503 with Retry-After while the database is down, and recovers', async () => {
    await database.server.stop();
    const started = Date.now();
    const down = await call('GET', '/api/test-contacts');
    expect(Date.now() - started).toBeLessThan(3000);
    expectProblem(down, 503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    await database.start();
    expect((await call('GET', '/api/test-contacts')).status).toBe(200);
  });
});

describe('npm start against a database its login owns, a login that may not create roles', () => {
  let local: OfflineOnDatabase;
  const owner = { username: 'app', password: 'owner:P@ss/word', dbname: 'appdb' };
  let ownerSecret: DbSecret;
  /** A connection to appdb as the superuser, for what the owner's login cannot see. */
  const inAppDb = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ ...local.database.secret, user: 'postgres', database: owner.dbname });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const roleCount = () =>
    count(local.database.admin, `select count(*) as n from pg_roles where rolname = '${databaseNames.applicationRole}'`);

  beforeAll(async () => {
    local = await startOfflineOnTestDatabase({
      // As docs/local-development.md's example has it: CREATE ROLE app LOGIN; CREATE DATABASE appdb OWNER app.
      migrated: false,
      secretFor: async (fresh) => {
        await fresh.admin.query(`create role ${owner.username} login password '${owner.password}'`);
        await fresh.admin.query(`create database ${owner.dbname} owner ${owner.username}`);
        ownerSecret = { ...fresh.secret, ...owner };
        return ownerSecret;
      },
    });
  });

  afterAll(() => local?.stop());

  it('applies the schema, skips the application role with one line saying what follows, and grants nothing', async () => {
    expect(local.offline.output()).toContain(
      `application role ${databaseNames.applicationRole}: skipped, as app may not create roles; the functions run with app's own privileges`,
    );
    expect(await roleCount()).toBe(0);
    expect(await inAppDb((client) => count(client, 'select count(*) as n from pgmigrations'))).toBe(migrationCount);
  });

  it("serves a contact's whole life with that login", async () => {
    const call = (method: string, route: string, body?: unknown) =>
      request(local.offline, method, route, body === undefined ? {} : { headers: json, body: JSON.stringify(body) });
    const created = await call('POST', '/api/test-contacts', { email: 'owner@example.com', name: 'Owner' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call('GET', `/api/test-contacts/${id}`)).body).toEqual(created.body);
    expect((await call('GET', '/api/test-contacts')).body).toEqual({ items: [created.body], next: null });
    const replaced = await call('PUT', `/api/test-contacts/${id}`, { email: 'owner@example.com', name: 'Renamed' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.name).toBe('Renamed');
    expect((await call('DELETE', `/api/test-contacts/${id}`)).status).toBe(204);
    expect((await call('GET', `/api/test-contacts/${id}`)).status).toBe(404);
  });

  it('gets the role and its grants when migrated again by the same login with CREATEROLE', async () => {
    await local.offline.stop();
    await local.database.admin.query(`alter role ${owner.username} createrole`);
    // The first run makes the role; the next finds it.
    const log: string[] = [];
    for (let run = 0; run < 2; run += 1)
      expect(await migrate(ownerSecret, { extraDirs: migrationDirs, log: (line) => log.push(line), progress: () => undefined })).toEqual(
        [],
      );
    expect(log).toEqual([
      `application role ${databaseNames.applicationRole}: created`,
      `application role ${databaseNames.applicationRole}: kept`,
    ]);
    expect(await roleCount()).toBe(1);
    const privileges = await inAppDb(async (client) => {
      const { rows } = await client.query<{ relname: string; privileges: string }>(
        `select relname, array_to_string(array(select privilege_type from aclexplode(relacl) a
                 where a.grantee = '${databaseNames.applicationRole}'::regrole order by 1), ',') as privileges
           from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace order by relname`,
      );
      return Object.fromEntries(rows.map((row) => [row.relname, row.privileges]));
    });
    // DML on every table of the service's (the tests' own among them), nothing on the migrations' record.
    const { pgmigrations, ...tables } = privileges;
    expect(pgmigrations).toBe('');
    expect(Object.keys(tables)).toContain('test_contacts');
    expect(new Set(Object.values(tables))).toEqual(new Set(['DELETE,INSERT,SELECT,UPDATE']));
  });
});

describe('sls offline against a PostgreSQL with fewer connection slots than concurrent requests', () => {
  const slots = 2;
  let database: TestDatabase;
  let offline: OfflineServer;
  let local: OfflineOnDatabase;

  beforeAll(async () => {
    local = await startOfflineOnTestDatabase({
      // Non-superusers get max_connections - superuser_reserved_connections slots, less the test's own superuser connection.
      settings: { max_connections: slots + 4, superuser_reserved_connections: 3 },
      secretFor: async (fresh) => {
        const secret = await createServiceRole(fresh, databaseNames.login, 'offline:P@ss');
        // npm start applies migrations with the secret's login: let it check the (already applied) schema.
        await fresh.admin.query(
          `grant create on schema public to ${databaseNames.login}; grant select, insert on pgmigrations to ${databaseNames.login}`,
        );
        return secret;
      },
    });
    ({ database, offline } = local);
  });

  afterAll(() => local?.stop());

  it('answers 200 or 503 with Retry-After, never a 500, and never exceeds the slots', async () => {
    const watch = peakBackends(database, databaseNames.login, 30);
    const replies: Reply[] = [];
    for (let round = 0; round < 3; round += 1) {
      replies.push(...(await Promise.all(Array.from({ length: 8 }, () => request(offline, 'GET', '/api/test-contacts')))));
    }
    const peak = await watch;
    expect(replies.filter((reply) => ![200, 503].includes(reply.status))).toEqual([]);
    expect(replies.some((reply) => reply.status === 200)).toBe(true);
    expect(replies.some((reply) => reply.status === 503)).toBe(true);
    for (const reply of replies.filter((r) => r.status === 503)) expect(reply.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(peak).toBeLessThanOrEqual(slots);
  });
});

describe('npm start with no .local/secrets/db.json, in a folder other users cannot read', () => {
  let parent: string;
  let localDir: string;
  let offline: OfflineServer | undefined;

  beforeAll(() => {
    // mkdtemp makes a 0700 folder, like a clone in a private home: as root, PostgreSQL's own user cannot enter it.
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'api-clone-'));
    localDir = path.join(parent, '.local');
  });

  afterAll(async () => {
    await offline?.stop();
    // Where the data was moved for PostgreSQL's user, if it was (see src/local/embedded-cluster.ts).
    fs.rmSync(relocatedHome(localDir), { recursive: true, force: true });
    fs.rmSync(parent, { recursive: true, force: true });
  });

  const restartServes = async () => {
    await offline?.stop();
    offline = await startOffline(localDir);
    expect((await request(offline, 'GET', '/api/health/ready')).status).toBe(200);
    return offline.output();
  };

  it('starts an embedded PostgreSQL, writes its secret, and stops it on SIGTERM', async () => {
    offline = await startOffline(localDir);
    const secret = JSON.parse(fs.readFileSync(path.join(localDir, 'secrets', 'db.json'), 'utf8'));
    expect(secret).toMatchObject({
      engine: 'postgres',
      host: '127.0.0.1',
      port: expect.any(Number),
      username: 'postgres',
      dbname: databaseNames.database,
    });
    expect(fs.statSync(path.join(localDir, 'secrets', 'db.json')).mode & 0o077).toBe(0);
    // The functions log in as the application login, as in AWS, from a secret of their own.
    const app = JSON.parse(fs.readFileSync(path.join(localDir, 'secrets', 'app.json'), 'utf8'));
    expect(app).toMatchObject({ host: '127.0.0.1', port: secret.port, username: databaseNames.login, dbname: databaseNames.database });
    expect(app.password).not.toBe(secret.password);
    expect(fs.statSync(path.join(localDir, 'secrets', 'app.json')).mode & 0o077).toBe(0);
    const created = await request(offline, 'POST', '/api/test-contacts', {
      headers: { ...json, 'idempotency-key': 'kept-1' },
      body: '{"email":"kept@example.com","name":"Kept"}',
    });
    expect(created.status).toBe(201);
    const dynamodbUrl = /DynamoDB Local on (http:\/\/127\.0\.0\.1:\d+)/.exec(offline.output())![1]!;

    const pidFile = path.join(localDir, 'pgdata', 'postmaster.pid');
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    await offline.stop();
    offline = undefined;
    const deadline = Date.now() + 10_000;
    // postgres removes its pid file just before it exits: wait for both.
    while ((fs.existsSync(pidFile) || isRunning(pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fs.existsSync(pidFile)).toBe(false);
    expect(isRunning(pid)).toBe(false);
    await expect(fetch(dynamodbUrl, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });

  it('reuses the same data on a second start: the users, and the Idempotency-Key records in DynamoDB Local', async () => {
    offline = await startOffline(localDir);
    const list = await request(offline, 'GET', '/api/test-contacts');
    expect(list.status).toBe(200);
    expect(list.body.items.map((user: { email: string }) => user.email)).toEqual(['kept@example.com']);
    const repeat = await request(offline, 'POST', '/api/test-contacts', {
      headers: { ...json, 'idempotency-key': 'kept-1' },
      body: '{"email":"kept@example.com","name":"Kept"}',
    });
    expect(repeat.status).toBe(201);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses a second npm start on the same .local folder, and the first keeps serving', async () => {
    await expect(startOffline(localDir)).rejects.toThrow(/Another local stack \(pid \d+\) is running on/);
    expect((await request(offline!, 'GET', '/api/health/ready')).status).toBe(200);
    expect((await request(offline!, 'GET', '/api/test-contacts')).body.items).toHaveLength(1);
  });

  it('serves a fresh clone at the same path, on a new cluster', async () => {
    await offline?.stop();
    offline = undefined;
    fs.rmSync(parent, { recursive: true, force: true });
    fs.mkdirSync(parent, { mode: 0o700 });
    const output = await restartServes();
    if (process.getuid?.() === 0) expect(output).toContain(`discarding ${relocatedHome(localDir)}`);
    expect((await request(offline!, 'GET', '/api/test-contacts')).body.items).toEqual([]);
  });

  it('serves after rm -rf .local', async () => {
    await request(offline!, 'POST', '/api/test-contacts', { headers: json, body: '{"email":"gone@example.com","name":"Gone"}' });
    await offline?.stop();
    fs.rmSync(localDir, { recursive: true, force: true });
    await restartServes();
    expect((await request(offline!, 'GET', '/api/test-contacts')).body.items).toEqual([]);
  });
});

const noPgbouncer = ensurePgbouncer();
if (noPgbouncer) console.warn(`Skipping npm start through PgBouncer: ${noPgbouncer}`);
(noPgbouncer ? describe.skip : describe)('npm start with .local/secrets/db.json naming a PgBouncer in transaction mode', () => {
  let local: OfflineOnDatabase;
  let bouncer: Pgbouncer | undefined;

  beforeAll(async () => {
    local = await startOfflineOnTestDatabase({
      secretFor: async (fresh) => {
        // A fresh schema: the migrations go through the pooler too.
        await dropTables(fresh.admin);
        bouncer = await startPgbouncer(fresh.server, fresh.secret.username, fresh.secret.password, 2);
        return { ...fresh.secret, port: bouncer.port };
      },
    });
  });

  afterAll(async () => {
    await local?.stop();
    await bouncer?.stop();
  });

  it('migrates through it and serves every route, with no flag', async () => {
    const url = local.offline;
    expect(await count(local.database.admin, 'select count(*) as n from pgmigrations')).toBe(migrationCount);
    expect((await request(url, 'GET', '/api/health/ready')).status).toBe(200);
    const created = await request(url, 'POST', '/api/test-contacts', {
      headers: json,
      body: '{"email":"pooled@example.com","name":"Pooled"}',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await request(url, 'GET', `/api/test-contacts/${id}`)).body.email).toBe('pooled@example.com');
    expect((await request(url, 'GET', '/api/test-contacts')).body.items).toHaveLength(1);
    const replaced = await request(url, 'PUT', `/api/test-contacts/${id}`, {
      headers: json,
      body: '{"email":"pooled@example.com","name":"Renamed"}',
    });
    expect(replaced.status).toBe(200);
    expect((await request(url, 'DELETE', `/api/test-contacts/${id}`)).status).toBe(204);
    expect(await count(local.database.admin, 'select count(*) as n from test_contacts')).toBe(0);
    expect(local.offline.output()).toContain('the database refused settings at login');
  });
});
