import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describeWithDocumentDb } from '../support/documentdb';
import { contractDriveParameters, driveFromContract, expectDriven } from '../support/contract-requests';
import { printedToken, rawRequest, request, startOffline, type OfflineServer } from '../support/offline';
import { databaseNames } from '../support/names';
import { expectProblemBody } from '../support/problems';

const root = path.resolve(__dirname, '../..');
const json = { 'content-type': 'application/json' };

/** The arguments `npm run start:documentdb` gives `sls offline --stage local`, read from package.json. */
function startDocumentDbArgs(): string[] {
  const script: string = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts['start:documentdb'];
  const [command, ...args] = script.split(' ').slice(2);
  expect(`sls offline ${command}`).toBe('sls offline --stage');
  return [command!, ...args].slice(2);
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
async function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => socket.destroy() && resolve(true));
    socket.once('error', () => resolve(false));
  });
}

describeWithDocumentDb('npm run start:documentdb: the local stack on the DocumentDB engine', () => {
  let localDir: string;
  let offline: OfflineServer | undefined;
  const start = async () => (offline = await startOffline(localDir, 120_000, startDocumentDbArgs()));
  const documentDbPort = () => JSON.parse(fs.readFileSync(path.join(localDir, 'documentdb', 'credentials.json'), 'utf8')).port as number;

  beforeAll(async () => {
    localDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'api-clone-')), '.local');
    await start();
  });

  afterAll(async () => {
    await offline?.stop();
    fs.rmSync(path.dirname(localDir), { recursive: true, force: true });
  });

  it('starts the local DocumentDB server with TLS, applies the index steps, and starts no PostgreSQL', () => {
    expect(offline!.output()).toMatch(/starting the local DocumentDB server \(FerretDB\) on 127\.0\.0\.1:\d+, TLS only/);
    expect(offline!.output()).toMatch(/^index steps applied: .*\b0001-test-contacts-email-unique\b/m);
    expect(fs.existsSync(path.join(localDir, 'pgdata'))).toBe(false);
    const secret = JSON.parse(fs.readFileSync(path.join(localDir, 'secrets', 'documentdb.json'), 'utf8'));
    expect(secret).toMatchObject({
      engine: 'mongo',
      host: '127.0.0.1',
      port: documentDbPort(),
      username: 'master',
      dbname: databaseNames.database,
    });
    expect(fs.statSync(path.join(localDir, 'secrets', 'documentdb.json')).mode & 0o077).toBe(0);
  });

  it("serves a contact's whole life with the same routes, tokens and answers as on PostgreSQL", async () => {
    const server = offline!;
    expect((await request(server, 'GET', '/api/health/ready')).status).toBe(200);
    const created = await request(server, 'POST', '/api/test-contacts', {
      headers: json,
      body: '{"email":"Ada@Example.com","name":"Ada"}',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/test-contacts/${created.body.id}`);
    const duplicate = await request(server, 'POST', '/api/test-contacts', {
      headers: json,
      body: '{"email":"ada@example.COM","name":"Twin"}',
    });
    expect(duplicate.status).toBe(409);
    expectProblemBody(duplicate.body, 409);
    const second = await request(server, 'POST', '/api/test-contacts', { headers: json, body: '{"email":"bo@example.com","name":"Bo"}' });
    const firstPage = await request(server, 'GET', '/api/test-contacts?limit=1');
    expect(firstPage.body.items).toHaveLength(1);
    const nextPage = await request(server, 'GET', `/api/test-contacts?limit=1&cursor=${encodeURIComponent(firstPage.body.next)}`);
    expect([...firstPage.body.items, ...nextPage.body.items].map((user: { id: string }) => user.id).sort()).toEqual(
      [created.body.id, second.body.id].sort(),
    );
    const replaced = await request(server, 'PUT', `/api/test-contacts/${created.body.id}`, {
      headers: json,
      body: '{"email":"ada@example.org","name":"Ada L."}',
    });
    expect(replaced.body).toMatchObject({ id: created.body.id, email: 'ada@example.org', name: 'Ada L.' });
    expect((await request(server, 'GET', `/api/test-contacts/${created.body.id}`)).body).toEqual(replaced.body);
    expect((await request(server, 'DELETE', `/api/test-contacts/${second.body.id}`)).status).toBe(204);
    const gone = await request(server, 'GET', `/api/test-contacts/${second.body.id}`);
    expect(gone.status).toBe(404);
    expectProblemBody(gone.body, 404);
  });

  it('accepts the token that npm run token prints, with its scopes', async () => {
    const readOnly = `Bearer ${await printedToken(localDir, 'test-contacts.read')}`;
    expect((await request(offline!, 'GET', '/api/test-contacts', { headers: { authorization: readOnly } })).status).toBe(200);
    const write = await request(offline!, 'POST', '/api/test-contacts', {
      headers: { ...json, authorization: readOnly },
      body: '{"email":"read-only@example.com","name":"Read Only"}',
    });
    expect(write.status).toBe(403);
  });

  it('replays a POST repeated with its Idempotency-Key', async () => {
    const post = () =>
      request(offline!, 'POST', '/api/test-contacts', {
        headers: { ...json, 'idempotency-key': 'docdb-once' },
        body: '{"email":"once@example.com","name":"Once"}',
      });
    const first = await post();
    const repeat = await post();
    expect(repeat.status).toBe(201);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(repeat.body).toEqual(first.body);
  });

  it('answers requests made from the contract alone as the contract says, as on PostgreSQL', async () => {
    const server = offline!;
    const result = await driveFromContract(
      (method, target, headers, body) => rawRequest(server, method, target, headers, body),
      contractDriveParameters(),
    );
    expectDriven(result, 'DocumentDB');
  });

  it('stops the DocumentDB server on Ctrl-C, and keeps its data for the next start', async () => {
    const port = documentDbPort();
    expect(await listening(port)).toBe(true);
    offline!.child.kill('SIGINT');
    await offline!.stop();
    offline = undefined;
    const deadline = Date.now() + 10_000;
    while ((await listening(port)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await listening(port)).toBe(false);

    await start();
    expect(offline!.output()).toContain('index steps: up to date');
    const emails = (await request(offline!, 'GET', '/api/test-contacts')).body.items.map((user: { email: string }) => user.email);
    expect(emails.sort()).toEqual(['ada@example.org', 'once@example.com']);
  });

  it('says what it needs and exits where the server is not built and Go is missing', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'api-cache-'));
    try {
      // Every folder on PATH that holds a `go`, left out.
      const withoutGo = process.env
        .PATH!.split(path.delimiter)
        .filter((dir) => !fs.existsSync(path.join(dir, 'go')))
        .join(path.delimiter);
      const run = spawnSync(
        process.execPath,
        [require.resolve('serverless/bin/serverless.js'), 'offline', '--stage', 'local', ...startDocumentDbArgs()],
        {
          cwd: root,
          env: {
            ...process.env,
            PATH: withoutGo,
            XDG_CACHE_HOME: cache,
            LOCAL_STACK_DIR: path.join(cache, '.local'),
            CI: 'true',
            SLS_TELEMETRY_DISABLED: '1',
          },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(run.status).not.toBe(0);
      expect(run.stdout + run.stderr).toContain(
        'npm run start:documentdb cannot run here: the local DocumentDB server (FerretDB v1.24.2) needs go on PATH (Go 1.24 or later',
      );
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
