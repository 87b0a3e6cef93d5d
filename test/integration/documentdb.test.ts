import { setTimeout as sleep } from 'node:timers/promises';
import { loadDocumentDbConfig } from '../../src/lib/documentdb/config';
import { documentFailureKind } from '../../src/lib/documentdb/errors';
import { applyIndexSteps } from '../../src/lib/documentdb/indexes';
import { documentDbSchema } from '../../src/lib/documentdb/schema';
import { DocumentStore } from '../../src/lib/documentdb/store';
import { contactsIndexSteps as indexSteps } from '../fixtures/api/test-contacts/indexes';
import { contactsStorage } from '../fixtures/api/test-contacts/model';
import { fixedSecret, type DbSecret } from '../../src/lib/storage/secret';
import { startDelayProxy } from '../../scripts/bench/delay-proxy';
import { loadContainer, runLoad, type Container, type Outcome } from '../support/containers';
import { describeWithDocumentDb, startTestDocumentDb, type TestDocumentDb } from '../support/documentdb';
import { serveSecrets, type LocalSecrets } from '../support/service-env';

/**
 * The DocumentDB engine against a real MongoDB-protocol server: FerretDB on 127.0.0.1, TLS verified against the CA made
 * for it (as against DocumentDB's CA bundle), SCRAM-SHA-256 logins. One server for the file; the outage comes last.
 */
let docdb: TestDocumentDb;
const storeFor = (dbname: string) => new DocumentStore(fixedSecret({ ...docdb.secret, dbname }), loadDocumentDbConfig(process.env));

describeWithDocumentDb('the DocumentDB engine on the local MongoDB-protocol server', () => {
  beforeAll(async () => {
    docdb = await startTestDocumentDb();
    Object.assign(process.env, docdb.env);
  });
  afterAll(() => docdb?.stop());

  describe('the index steps', () => {
    it('applies each step once, records it, and makes the unique email index', async () => {
      const store = storeFor(`steps_${process.pid}`);
      try {
        const log: string[] = [];
        expect(await store.run((db) => applyIndexSteps(db, indexSteps, (line) => log.push(line)))).toEqual(
          indexSteps.map((step) => step.name),
        );
        expect(log).toEqual(indexSteps.map((step) => `applied ${step.name}`));
        // A second run applies nothing: the steps are recorded, and each is idempotent.
        expect(await store.run((db) => applyIndexSteps(db, indexSteps))).toEqual([]);
        const recorded = await store.run((db) => db.collection('migrations').find({}).toArray());
        expect(recorded.map((step) => step._id)).toEqual(indexSteps.map((step) => step.name));
        for (const step of recorded) expect(step.appliedAt).toBeInstanceOf(Date);
        const indexes = await store.run((db) => db.collection(contactsStorage.table).indexes());
        expect(indexes.find((index) => index.name === 'test_contacts_email_unique')).toMatchObject({ key: { email: 1 }, unique: true });
      } finally {
        await store.run((db) => db.dropDatabase());
        await store.close();
      }
    });
  });

  describe('where FerretDB differs from DocumentDB', () => {
    it('has no replica set, where DocumentDB is one (rs0): the local stage connects directly (DOCDB_REPLICA_SET empty)', async () => {
      const hello = await docdb.admin().db('admin').command({ hello: 1 });
      expect(hello.setName).toBeUndefined();
      expect(loadDocumentDbConfig(process.env).replicaSet).toBeUndefined();
      expect(loadDocumentDbConfig({}).replicaSet).toBe('rs0');
    });

    it("reports an update that a unique index refuses as SQLite's constraint error, not E11000: read as a duplicate all the same", async () => {
      const users = docdb.admin().db(`unique_${process.pid}`).collection<{ _id: string; email: string }>('users');
      await users.createIndex({ email: 1 }, { unique: true });
      await users.insertMany([
        { _id: 'a', email: 'a@example.com' },
        { _id: 'b', email: 'b@example.com' },
      ]);
      const refused = await users.updateOne({ _id: 'b' }, { $set: { email: 'a@example.com' } }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 1, codeName: 'InternalError', message: expect.stringContaining('UNIQUE constraint failed') });
      expect(documentFailureKind(refused)).toBe('duplicate');
      // An insert is refused as DocumentDB refuses it.
      expect(await users.insertOne({ _id: 'c', email: 'a@example.com' }).catch((error: unknown) => error)).toMatchObject({ code: 11000 });
      await docdb.admin().db(`unique_${process.pid}`).dropDatabase();
    });

    it('cannot end other sessions (no killAllSessions): the tests drop every connection by restarting it', async () => {
      await expect(docdb.admin().db('admin').command({ killAllSessions: [] })).rejects.toThrow(/no such command/);
    });
  });

  describe('the contacts routes, as functions in containers', () => {
    const containerCount = 3;
    let secrets: LocalSecrets;
    let containers: Container[];
    // The functions reach the server through a loopback proxy that can end every connection at once, as a failover
    // does (FerretDB has no killAllSessions); TLS is verified end to end through it.
    let proxy: Awaited<ReturnType<typeof startDelayProxy>>;
    let functionsSecret: DbSecret;
    const failures = (outcomes: Outcome[]) => outcomes.filter((outcome) => outcome.status >= 300);
    const users = () => docdb.admin().db(docdb.secret.dbname).collection(contactsStorage.table);

    beforeAll(async () => {
      // The DocumentDB stages' functions log in as the cluster's master user (serverless.yml), whose password rotates.
      proxy = await startDelayProxy(docdb.server.port, 0);
      functionsSecret = { ...docdb.secret, port: proxy.port };
      secrets = await serveSecrets(functionsSecret, { DB_ENGINE: 'documentdb', DOCDB_BUDGET_MS: '2800' });
      // As a release's migrate does before any function takes traffic.
      expect(await documentDbSchema.migrate(fixedSecret(docdb.secret), { waitMs: 0, log: () => undefined, indexSteps })).toEqual(
        indexSteps.map((step) => step.name),
      );
      containers = Array.from({ length: containerCount }, loadContainer);
      for (const container of containers) expect((await container.invoke('health-ready', { path: '/api/health/ready' })).status).toBe(200);
    });
    afterAll(async () => {
      await Promise.all(containers?.map((container) => container.close()) ?? []);
      await proxy?.close();
      await secrets?.close();
      delete process.env.DB_ENGINE;
    });

    it("serves a contact's whole life, and answers a duplicate email in any case with 409", async () => {
      const [container] = containers as [Container];
      const json = { 'content-type': 'application/json' };
      const created = await container.invoke('test-contacts/create', {
        method: 'POST',
        path: '/api/test-contacts',
        headers: json,
        body: JSON.stringify({ email: 'Ada@Example.com', name: 'Ada' }),
      });
      expect(created.status).toBe(201);
      expect(created.body.email).toBe('ada@example.com');
      const id = created.body.id as string;
      const byId = { path: `/api/test-contacts/${id}`, pathParameters: { id } };
      expect((await container.invoke('test-contacts/get', byId)).body).toEqual(created.body);
      const duplicate = await container.invoke('test-contacts/create', {
        method: 'POST',
        path: '/api/test-contacts',
        headers: json,
        body: JSON.stringify({ email: 'ADA@example.COM', name: 'Again' }),
      });
      expect(duplicate.status).toBe(409);
      expect(
        (await container.invoke('test-contacts/list', { path: '/api/test-contacts', query: { limit: '100' } })).body.items,
      ).toContainEqual(created.body);
      const replaced = await container.invoke('test-contacts/update', {
        ...byId,
        method: 'PUT',
        headers: json,
        body: JSON.stringify({ email: 'ada@example.com', name: 'Ada Lovelace' }),
      });
      expect(replaced.body).toMatchObject({ id, name: 'Ada Lovelace', createdAt: created.body.createdAt });
      expect((await container.invoke('test-contacts/delete', { ...byId, method: 'DELETE' })).status).toBe(204);
      expect((await container.invoke('test-contacts/get', byId)).status).toBe(404);
      expect(await users().countDocuments({ _id: id } as never)).toBe(0);
    });

    it('keeps serving through a password change that drops every connection, with no failed request', async () => {
      const rotated = { ...functionsSecret, password: 'second#P@ss&word' };
      let dropped = 0;
      const rotation = (async () => {
        await sleep(700);
        await docdb.admin().db('admin').command({ updateUser: docdb.secret.username, pwd: rotated.password });
        docdb.secret.password = rotated.password;
        secrets.write(rotated);
        dropped = proxy.dropConnections();
        await sleep(1500);
      })();
      const outcomes = await runLoad(containers, rotation);
      expect(outcomes.length).toBeGreaterThan(30);
      expect(dropped).toBeGreaterThanOrEqual(containerCount);
      expect(failures(outcomes)).toEqual([]);
      const created = outcomes.filter((outcome) => outcome.op === 'create').map((outcome) => outcome.id);
      expect(await users().countDocuments({ _id: { $in: created } } as never)).toBe(created.length);
      // Each container fetched the secret again once, after the server refused the old password.
      expect(secrets.endpoint.fetches.get('db')).toBe(containerCount * 2);
    });

    it('answers 503 with Retry-After while the server is down, and serves again once it is back', async () => {
      let upAt = Infinity;
      const outage = (async () => {
        await sleep(500);
        await docdb.stopServer();
        await sleep(2000);
        await docdb.start();
        upAt = Date.now();
        await sleep(2000);
      })();
      const outcomes = await runLoad(containers, outage);
      expect([...new Set(outcomes.map((outcome) => outcome.status))].filter((status) => ![200, 201, 503].includes(status))).toEqual([]);
      const unavailable = outcomes.filter((outcome) => outcome.status === 503);
      expect(unavailable.length).toBeGreaterThan(0);
      for (const outcome of unavailable) expect(outcome.retryAfter).toMatch(/^\d+$/);
      const afterRecovery = outcomes.filter((outcome) => outcome.startedAt > upAt + 500);
      expect(afterRecovery.length).toBeGreaterThan(5);
      expect(failures(afterRecovery)).toEqual([]);
    });
  });
});
