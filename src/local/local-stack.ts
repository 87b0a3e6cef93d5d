import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../lib/db/migrate';
import { parseDbSecret, type DbSecret } from '../lib/db/secret';
import { PostgresServer } from './postgres-server';
import { startSecretsEndpoint, type SecretsEndpoint } from './secrets-endpoint';

/** Marks a `.local/secrets/db.json` written for the embedded server, as opposed to one naming another server. */
export const embeddedInstanceId = 'embedded-local';
const preferredPort = 54329;

export interface LocalStackOptions {
  /** The git-ignored folder holding `secrets/` and the embedded server's data. */
  localDir: string;
  log: (message: string) => void;
  /** Ports the caller is about to listen on (the offline servers): the stack takes none of them. */
  reservedPorts?: number[];
}

export interface LocalStack {
  secrets: SecretsEndpoint;
  secret: DbSecret;
  /** The embedded server, when this stack started one. */
  server?: PostgresServer;
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

function writeJson(file: string, value: unknown) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

async function ensureDatabase(secret: DbSecret): Promise<void> {
  const client = new pg.Client({
    host: secret.host,
    port: secret.port,
    user: secret.username,
    password: secret.password,
    database: 'postgres',
  });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [secret.dbname]);
    if (!rowCount) await client.query(`create database ${pg.escapeIdentifier(secret.dbname)}`);
  } finally {
    await client.end();
  }
}

/**
 * The embedded server's credentials live beside its data, so deleting `secrets/db.json` only
 * republishes them; they are created once, with the cluster.
 */
async function embeddedSecret(localDir: string, reservedPorts: number[]): Promise<DbSecret & { dbInstanceIdentifier: string }> {
  const file = path.join(localDir, 'embedded-postgres.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  if (fs.existsSync(path.join(localDir, 'pgdata', 'PG_VERSION'))) {
    throw new Error(
      `${path.join(localDir, 'pgdata')} holds a cluster whose credentials (${file}) are gone: restore that file, or delete the folder to start afresh`,
    );
  }
  const secret = {
    engine: 'postgres',
    host: '127.0.0.1',
    port: await freePort(preferredPort, reservedPorts),
    username: 'postgres',
    password: randomBytes(18).toString('base64url'),
    dbname: 'users',
    dbInstanceIdentifier: embeddedInstanceId,
  };
  writeJson(file, secret);
  return secret;
}

/**
 * What `sls offline --stage local` needs: the database named by `secrets/db.json` (an embedded
 * PostgreSQL when that file is absent or was written for it), its migrations, and a local
 * Secrets Manager endpoint that serves `secrets/`.
 */
export async function startLocalStack({ localDir, log, reservedPorts = [] }: LocalStackOptions): Promise<LocalStack> {
  // The data folder must stay reachable by the server's own user; only secrets/ is private.
  fs.mkdirSync(localDir, { recursive: true, mode: 0o755 });
  const secretsDir = path.join(localDir, 'secrets');
  const dbSecretFile = path.join(secretsDir, 'db.json');
  const published = fs.existsSync(dbSecretFile) ? JSON.parse(fs.readFileSync(dbSecretFile, 'utf8')) : undefined;

  let server: PostgresServer | undefined;
  let secret: DbSecret;
  if (!published || published.dbInstanceIdentifier === embeddedInstanceId) {
    const embedded = await embeddedSecret(localDir, reservedPorts);
    secret = parseDbSecret(embedded);
    log(`starting embedded PostgreSQL on ${secret.host}:${secret.port} (data in ${path.join(localDir, 'pgdata')})`);
    server = await PostgresServer.start({ dataDir: path.join(localDir, 'pgdata'), port: secret.port, password: secret.password });
    await ensureDatabase(secret);
    if (!published) writeJson(dbSecretFile, embedded);
  } else {
    secret = parseDbSecret(published);
    log(`using the database named by ${dbSecretFile}: ${secret.host}:${secret.port}/${secret.dbname}`);
  }

  try {
    const applied = await migrate(secret);
    log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'migrations: schema is up to date');
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
  const secrets = await startSecretsEndpoint(secretsDir, 0, reservedPorts);
  log(`local Secrets Manager endpoint on ${secrets.url} serving ${secretsDir}`);

  return {
    secrets,
    secret,
    server,
    stop: async () => {
      await secrets.close();
      await server?.stop();
    },
    stopNow: () => server?.stopNow(),
  };
}
