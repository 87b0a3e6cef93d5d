import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadDocumentDbConfig } from '../lib/documentdb/config';
import { resources } from '../api/registry';
import { serviceName } from '../api/service';
import { databaseNamesOf } from '../lib/storage/database-names';
import { applyIndexSteps } from '../lib/documentdb/indexes';
import { DocumentStore } from '../lib/documentdb/store';
import { fixedSecret, type DbSecret } from '../lib/storage/secret';
import { writePrivateJson } from './embedded-cluster';
import { ferretDbMissing, startFerretDb, type FerretDbServer } from './ferretdb';

export interface LocalDocumentDb {
  server: FerretDbServer;
  secret: DbSecret;
  /** What the functions need beyond the stage's DocumentDB settings: the server's CA, and no replica set. */
  functionEnv: Record<string, string>;
}

/** The secret the local stack serves to the functions of `npm run start:documentdb` (`secrets/documentdb.json`). */
export const localDocumentDbSecretId = 'documentdb';

/**
 * The DocumentDB engine's local server (FerretDB), its data in `.local/documentdb` and its master
 * login kept across starts, with the index steps applied as a release applies them. The functions
 * log in as the master user, as they do on a DocumentDB stage.
 */
export async function startLocalDocumentDb(
  localDir: string,
  freePort: (preferred: number) => Promise<number>,
  log: (message: string) => void,
): Promise<LocalDocumentDb> {
  const missing = ferretDbMissing();
  if (missing) throw new Error(`npm run start:documentdb cannot run here: ${missing}`);
  const dataDir = path.join(localDir, 'documentdb');
  const credentialsFile = path.join(dataDir, 'credentials.json');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const saved = fs.existsSync(credentialsFile)
    ? (JSON.parse(fs.readFileSync(credentialsFile, 'utf8')) as { port: number; password: string })
    : { port: 0, password: randomBytes(18).toString('base64url') };
  const port = await freePort(saved.port);
  writePrivateJson(credentialsFile, { port, password: saved.password });
  log(`starting the local DocumentDB server (FerretDB) on 127.0.0.1:${port}, TLS only (data in ${dataDir})`);
  const server = await startFerretDb({ dataDir, port, username: 'master', password: saved.password, log });
  const secret: DbSecret = {
    engine: 'mongo',
    host: server.host,
    port,
    username: 'master',
    password: saved.password,
    dbname: databaseNamesOf(serviceName).database,
  };
  const functionEnv = { DB_CA_FILE: server.tls.caFile, DOCDB_REPLICA_SET: '' };
  const store = new DocumentStore(
    fixedSecret(secret),
    loadDocumentDbConfig({ ...functionEnv, DOCDB_TLS: 'verify', DOCDB_BUDGET_MS: '10000' }),
  );
  try {
    const applied = await store.run((db) =>
      applyIndexSteps(
        db,
        resources.flatMap((resource) => resource.indexSteps),
      ),
    );
    log(applied.length ? `index steps applied: ${applied.join(', ')}` : 'index steps: up to date');
  } catch (error) {
    await server.stop();
    throw error;
  } finally {
    await store.close();
  }
  return { server, secret, functionEnv };
}
