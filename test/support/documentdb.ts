import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { DbSecret } from '../../src/lib/storage/secret';
import { ferretDb, ferretDbBuilt, ferretDbMissing, startFerretDb, type FerretDbServer } from '../../src/local/ferretdb';
import { freePort } from '../../src/local/local-stack';

/**
 * Why the DocumentDB server tests cannot run here (no Go, say, or a build that failed), or undefined. Where
 * REQUIRE_DOCUMENTDB=1 (CI: .ci/run), a missing server fails those tests instead of skipping them.
 */
export const documentDbMissing = process.env.DOCUMENTDB_UNAVAILABLE || ferretDbMissing();

/** `describe` for tests that need the local DocumentDB server: skipped with one message where it cannot be had. */
export function describeWithDocumentDb(name: string, body: () => void): void {
  if (!documentDbMissing) return describe(name, body);
  if (process.env.REQUIRE_DOCUMENTDB === '1') {
    return describe(name, () => {
      it('has the local DocumentDB server, which REQUIRE_DOCUMENTDB=1 requires', () => {
        throw new Error(`Not skipped where REQUIRE_DOCUMENTDB=1: ${documentDbMissing}`);
      });
    });
  }
  console.warn(`${name}: skipped: ${documentDbMissing}`);
  describe.skip(`${name} (skipped: ${documentDbMissing})`, body);
}

export interface TestDocumentDb {
  server: FerretDbServer;
  /** The master login, as DocumentDB's managed secret holds it. */
  secret: DbSecret;
  /** What a DocumentDB function needs to reach this server: its CA, TLS verified, and no replica set. */
  env: Record<string, string>;
  /** A client as the master user, for assertions. */
  admin(): MongoClient;
  /** Stops the server, as an outage does; `start` brings it back on the same port and data. */
  stopServer(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const username = 'master';
const password = 'test-Pa55:/@?#&word';

/** The local DocumentDB server (FerretDB) for one test file: its own folder, a free loopback port, TLS and SCRAM-SHA-256. */
export async function startTestDocumentDb(): Promise<TestDocumentDb> {
  // The build is the global setup's (test/support/global-setup.ts), never a hook's.
  if (!ferretDbBuilt())
    throw new Error(`FerretDB ${ferretDb.version} is not built: jest's global setup builds it (test/support/global-setup.ts)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-docdb-'));
  const start = (port: number) => startFerretDb({ dataDir: dir, port, username, password });
  let server: FerretDbServer | undefined;
  // Another process may take the free port before the server binds it: then try another.
  for (let attempt = 1; !server; attempt += 1) {
    try {
      server = await start(await freePort());
    } catch (error) {
      if (attempt === 3 || !/exited/.test(String(error))) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  let admin: MongoClient | undefined;
  const database: TestDocumentDb = {
    server,
    secret: { engine: 'mongo', host: server.host, port: server.port, username, password, dbname: 'shop' },
    env: { DOCDB_TLS: 'verify', DB_CA_FILE: server.tls.caFile, DOCDB_REPLICA_SET: '' },
    admin: () =>
      (admin ??= new MongoClient(`mongodb://${database.server.host}:${database.server.port}/`, {
        auth: { username: database.secret.username, password: database.secret.password },
        authSource: 'admin',
        directConnection: true,
        tls: true,
        tlsCAFile: database.server.tls.caFile,
        retryWrites: false,
      })),
    stopServer: async () => {
      await admin?.close();
      admin = undefined;
      await database.server.stop();
    },
    start: async () => {
      database.server = await start(database.server.port);
    },
    stop: async () => {
      await admin?.close();
      await database.server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return database;
}
