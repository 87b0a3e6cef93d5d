import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { ensureApplicationLogin } from '../lib/db/application-role';
import { migrate } from '../lib/db/migrate';
import { migrationDirs } from '../api/registry';
import { serviceName } from '../api/service';
import { databaseNamesOf } from '../lib/storage/database-names';
import { idempotencyTable } from '../lib/http/idempotency-settings';
import { parseDbSecret, type DbSecret } from '../lib/storage/secret';
import { prepareEmbeddedCluster, writePrivateJson, type EmbeddedCluster } from './embedded-cluster';
import { lockLocalDir, type LocalDirLock } from './local-dir-lock';
import { loopbackAwsEnv } from './aws-endpoints';
import { PostgresServer } from './postgres-server';
import type { FerretDbServer } from './ferretdb';
import { ensureTable, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { startSecretsEndpoint, type SecretsEndpoint } from './secrets-endpoint';
import { loadSigningKey, localAuthEnv, startJwksEndpoint, type JwksEndpoint } from './token-issuer';

/** Marks a `.local/secrets/db.json` written for the embedded server, as opposed to one naming another server. */
export const embeddedInstanceId = 'embedded-local';
const preferredPort = 54329;
/** The local stage's idempotency table (serverless.yml names it for the functions). */
export const localIdempotencyTable = `${serviceName}-local-idempotency`;

export interface LocalStackOptions {
  /** The git-ignored folder holding `secrets/` and the embedded server's data. */
  localDir: string;
  log: (message: string) => void;
  /** Ports the caller is about to listen on (the offline servers): the stack takes none of them. */
  reservedPorts?: number[];
  /** The stage's storage engine (`params.dbEngine`): PostgreSQL, or DocumentDB on the local MongoDB-protocol server. */
  engine?: 'postgres' | 'documentdb';
}

export interface LocalStack {
  secrets: SecretsEndpoint;
  secret: DbSecret;
  jwks: JwksEndpoint;
  dynamodb: DynamoDbLocal;
  /** What the functions need to reach the stack: Secrets Manager, DynamoDB and the token issuer. */
  functionEnv: Record<string, string>;
  /** The embedded server, when this stack started one. */
  server?: PostgresServer | FerretDbServer;
  stop(): Promise<void>;
  /** For `process.on('exit')`. */
  stopNow(): void;
}

async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** `count` distinct free loopback ports, held together while chosen so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const probes = Array.from({ length: count }, () => net.createServer());
  const ports = await Promise.all(
    probes.map(
      (probe) =>
        new Promise<number>((resolve, reject) => {
          probe.once('error', reject);
          probe.listen(0, '127.0.0.1', () => resolve((probe.address() as net.AddressInfo).port));
        }),
    ),
  );
  await Promise.all(probes.map((probe) => new Promise((resolve) => probe.close(resolve))));
  return ports;
}

/** `preferred` when it is free and not reserved, else any free port that is not reserved. */
export async function freePort(preferred = 0, reserved: number[] = []): Promise<number> {
  if (preferred && !reserved.includes(preferred) && (await isPortFree(preferred))) return preferred;
  for (;;) {
    const [port] = await freePorts(1);
    if (!reserved.includes(port!)) return port!;
  }
}

/** Runs `work` on one connection as `secret`'s user, to `database` (the secret's own by default). */
async function withClient<T>(secret: DbSecret, work: (client: pg.Client) => Promise<T>, database = secret.dbname): Promise<T> {
  const client = new pg.Client({ host: secret.host, port: secret.port, user: secret.username, password: secret.password, database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureDatabase(secret: DbSecret): Promise<void> {
  await withClient(
    secret,
    async (client) => {
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [secret.dbname]);
      if (!rowCount) await client.query(`create database ${pg.escapeIdentifier(secret.dbname)}`);
    },
    'postgres',
  );
}

const applicationLoginName = databaseNamesOf(serviceName).login;

/**
 * The functions' login on the embedded server, as the release makes it in AWS, published as
 * `secrets/app.json`. Its password is kept across starts; the local stack owns it, so it is set
 * again each start (the file may be new while the role is not).
 */
async function publishApplicationLogin(master: DbSecret, file: string): Promise<void> {
  const saved = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { password?: string }) : {};
  const login = { username: applicationLoginName, password: saved.password || randomBytes(18).toString('base64url') };
  await withClient(master, async (client) => {
    if ((await ensureApplicationLogin(client, login)) === 'kept') {
      await client.query(`alter role ${pg.escapeIdentifier(login.username)} password ${client.escapeLiteral(login.password)}`);
    }
  });
  writePrivateJson(file, { ...master, ...login });
}

/** Starts the cluster on its saved port, or on a free one when another server holds that port (another clone's, say). */
async function startEmbedded(cluster: EmbeddedCluster, reservedPorts: number[], log: (message: string) => void) {
  const start = () => {
    log(`starting embedded PostgreSQL on ${cluster.secret.host}:${cluster.secret.port} (data in ${cluster.dataDir})`);
    return PostgresServer.start({ dataDir: cluster.dataDir, port: cluster.secret.port, password: cluster.secret.password });
  };
  try {
    return await start();
  } catch (error) {
    if (!/could not bind|address already in use/i.test(String(error))) throw error;
    const taken = cluster.secret.port;
    cluster.movePort(await freePort(0, [...reservedPorts, taken]));
    log(`port ${taken} is taken by another server: this cluster moves to port ${cluster.secret.port}`);
    return start();
  }
}

/** DynamoDB Local on a free port; another process may take the port between the check and Java's bind, so it tries again. */
async function startDynamoDbLocalOnFreePort(dataDir: string, reservedPorts: number[]): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startDynamoDbLocal({ port: await freePort(0, reservedPorts), dataDir });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/**
 * What `sls offline --stage local` needs: the database named by `secrets/db.json` (an embedded
 * PostgreSQL when that file is absent or was written for it), its migrations, and a local
 * Secrets Manager endpoint that serves `secrets/`.
 */
export async function startLocalStack({ localDir, log, reservedPorts = [], engine = 'postgres' }: LocalStackOptions): Promise<LocalStack> {
  // The data folder must stay reachable by the server's own user; only secrets/ is private.
  fs.mkdirSync(localDir, { recursive: true, mode: 0o755 });
  const lock = lockLocalDir(localDir);
  try {
    if (engine === 'documentdb') {
      // Loaded only on this engine: the driver, and its logger, stay out of the PostgreSQL stack and of the tests that use it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a require: the plugin loads this file through tsx's CommonJS loader
      const { localDocumentDbSecretId, startLocalDocumentDb } = require('./local-documentdb') as typeof import('./local-documentdb');
      const documentDb = await startLocalDocumentDb(localDir, (preferred) => freePort(preferred, reservedPorts), log);
      writePrivateJson(path.join(localDir, 'secrets', `${localDocumentDbSecretId}.json`), documentDb.secret);
      return await startServices({ localDir, log, reservedPorts }, lock, documentDb.server, documentDb.secret, {
        DB_SECRET_ID: localDocumentDbSecretId,
        ...documentDb.functionEnv,
      });
    }
    return await startLocked({ localDir, log, reservedPorts }, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked({ localDir, log, reservedPorts = [] }: LocalStackOptions, lock: LocalDirLock): Promise<LocalStack> {
  const secretsDir = path.join(localDir, 'secrets');
  const dbSecretFile = path.join(secretsDir, 'db.json');
  const published = fs.existsSync(dbSecretFile) ? JSON.parse(fs.readFileSync(dbSecretFile, 'utf8')) : undefined;

  let server: PostgresServer | undefined;
  let secret: DbSecret;
  if (!published || published.dbInstanceIdentifier === embeddedInstanceId) {
    const cluster = await prepareEmbeddedCluster({
      localDir,
      log,
      newSecret: async () => ({
        engine: 'postgres',
        host: '127.0.0.1',
        port: await freePort(preferredPort, reservedPorts),
        username: 'postgres',
        password: randomBytes(18).toString('base64url'),
        dbname: databaseNamesOf(serviceName).database,
        dbInstanceIdentifier: embeddedInstanceId,
      }),
    });
    server = await startEmbedded(cluster, reservedPorts, log);
    secret = parseDbSecret(cluster.secret);
    await ensureDatabase(secret);
    // Republished every start: the credentials file is the source, and a new cluster may have new ones.
    writePrivateJson(dbSecretFile, cluster.secret);
  } else {
    secret = parseDbSecret(published, { port: 5432, dbname: 'postgres' });
    log(`using the database named by ${dbSecretFile}: ${secret.host}:${secret.port}/${secret.dbname}`);
  }

  let functionsSecretId = 'db';
  try {
    // The stack says which migrations it applied; the tool's own lines would say it twice.
    const applied = await migrate(secret, { extraDirs: migrationDirs, log, progress: () => undefined });
    log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: schema is up to date');
    // On the embedded server the functions log in as the application role, with production's privileges. A database
    // named by db.json is the developer's choice of login, used as it is.
    if (server) {
      functionsSecretId = 'app';
      await publishApplicationLogin(secret, path.join(secretsDir, 'app.json'));
      log(
        `the functions log in as ${applicationLoginName} (DML on the application's tables only), from ${path.join(secretsDir, 'app.json')}`,
      );
    }
  } catch (error) {
    await server?.stop();
    const where = `${secret.host}:${secret.port}/${secret.dbname}`;
    throw new Error(
      `Could not migrate the database at ${where} named by ${server ? 'the embedded server' : dbSecretFile}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return startServices({ localDir, log, reservedPorts }, lock, server, secret, { DB_SECRET_ID: functionsSecretId });
}

/** The rest of the stack, whatever the database: Secrets Manager, the token issuer, DynamoDB Local. */
async function startServices(
  { localDir, log, reservedPorts = [] }: LocalStackOptions,
  lock: LocalDirLock,
  server: PostgresServer | FerretDbServer | undefined,
  secret: DbSecret,
  databaseEnv: Record<string, string>,
): Promise<LocalStack> {
  const secretsDir = path.join(localDir, 'secrets');
  const started: { close(): Promise<void> }[] = [];
  let dynamodb: DynamoDbLocal | undefined;
  try {
    const secrets = await startSecretsEndpoint(secretsDir, 0, reservedPorts);
    started.push(secrets);
    log(`local Secrets Manager endpoint on ${secrets.url} serving ${secretsDir}`);
    const jwks = await startJwksEndpoint(loadSigningKey(localDir), reservedPorts);
    started.push(jwks);
    log(`local token issuer: JWKS on ${jwks.jwksUri}; npm run token prints a token`);
    const dynamoDbDir = path.join(localDir, 'dynamodb');
    fs.mkdirSync(dynamoDbDir, { recursive: true });
    dynamodb = await startDynamoDbLocalOnFreePort(dynamoDbDir, reservedPorts);
    await ensureTable(dynamodb.client, { name: localIdempotencyTable, ...idempotencyTable });
    log(`DynamoDB Local on ${dynamodb.url} (data in ${dynamoDbDir}), table ${localIdempotencyTable}`);
    const ready = dynamodb;
    return {
      secrets,
      secret,
      server,
      jwks,
      dynamodb: ready,
      functionEnv: {
        ...loopbackAwsEnv({ SECRETS_MANAGER: secrets.url, DYNAMODB: ready.url }),
        ...databaseEnv,
        ...localAuthEnv(jwks.jwksUri),
        IDEMPOTENCY_TABLE: localIdempotencyTable,
      },
      stop: async () => {
        await Promise.all(started.map((service) => service.close()));
        await ready.stop();
        await server?.stop();
        lock.release();
      },
      stopNow: () => {
        ready.stopNow();
        server?.stopNow();
        lock.release();
      },
    };
  } catch (error) {
    await Promise.all(started.map((service) => service.close()));
    await dynamodb?.stop();
    await server?.stop();
    throw error;
  }
}
