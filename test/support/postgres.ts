import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureApplicationLogin } from '../../src/lib/db/application-role';
import { migrate, migrationsDir } from '../../src/lib/db/migrate';
import type { DbSecret } from '../../src/lib/storage/secret';
import { migrationDirs } from '../../src/api/registry';
import { freePort } from '../../src/local/local-stack';
import { PostgresServer } from '../../src/local/postgres-server';

export interface TestDatabase {
  server: PostgresServer;
  secret: DbSecret;
  /** A superuser connection for assertions (row counts, pg_stat_activity). */
  admin: pg.Client;
  /** Starts the server again on the same port and data, as after an outage, and reconnects `admin`. */
  start(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const password = 'test-Pa55:/@?#&word';

/** Another process may take a free port before the server binds it: then try the next one. */
async function startOnFreePort(dataDir: string, settings: Record<string, string | number>) {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return { server: await PostgresServer.start({ dataDir, port, password, settings }), port };
    } catch (error) {
      if (attempt === 3 || !/could not bind|address already in use/i.test(String(error))) throw error;
    }
  }
}

/** A real PostgreSQL for one test file: its own folder, a free loopback port, migrations applied unless `migrated` is false. */
export async function startTestDatabase(
  settings: Record<string, string | number> = {},
  { migrated = true }: { migrated?: boolean } = {},
): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-pg-'));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  const { server, port } = await startOnFreePort(dataDir, settings);
  const options = { dataDir, port, password, settings };
  const connectAdmin = async () => {
    await database.admin?.end().catch(() => undefined);
    database.admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    database.admin.on('error', () => undefined);
    await database.admin.connect();
  };
  const database: TestDatabase = {
    server,
    secret: { engine: 'postgres', host: '127.0.0.1', port, username: 'postgres', password, dbname: 'postgres' },
    admin: undefined as unknown as pg.Client,
    start: async () => {
      database.server = await PostgresServer.start(options);
      await connectAdmin();
    },
    restart: async () => {
      await database.server.stop();
      await database.start();
    },
    stop: async () => {
      await database.admin?.end().catch(() => undefined);
      await database.server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    if (migrated) await migrate(database.secret, { extraDirs: migrationDirs });
    await connectAdmin();
  } catch (error) {
    await database.stop();
    throw error;
  }
  return database;
}

/** Drops every table of the database, the migrations' record too: a database no migration has run on. */
export async function dropTables(admin: pg.Client): Promise<void> {
  await admin.query(`do $$ declare name text; begin
    for name in select tablename from pg_tables where schemaname = 'public' loop execute format('drop table %I cascade', name); end loop;
  end $$`);
}

export async function count(admin: pg.Client, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(sql, values);
  return Number(rows[0]?.n ?? 0);
}

/** The service's least-privilege login, made as the release makes it: a member of the application role, DML on users only. */
export async function createServiceRole(database: TestDatabase, username: string, rolePassword: string): Promise<DbSecret> {
  await ensureApplicationLogin(database.admin, { username, password: rolePassword });
  return { ...database.secret, username, password: rolePassword };
}

export async function setPassword(database: TestDatabase, username: string, rolePassword: string): Promise<void> {
  await database.admin.query(`alter role ${pg.escapeIdentifier(username)} password ${pg.escapeLiteral(rolePassword)}`);
}

/** Ends every session of `username`, as a failover or an operator would. */
export async function dropBackends(database: TestDatabase, username: string): Promise<number> {
  const { rowCount } = await database.admin.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and pid <> pg_backend_pid()',
    [username],
  );
  return rowCount ?? 0;
}

export const backendsOf = (database: TestDatabase, username: string) =>
  count(database.admin, "select count(*) as n from pg_stat_activity where usename = $1 and backend_type = 'client backend'", [username]);

/** The most backends `username` held at once, sampled `samples` times `everyMs` apart. */
export async function peakBackends(database: TestDatabase, username: string, samples: number, everyMs = 100): Promise<number> {
  let peak = 0;
  for (let i = 0; i < samples; i += 1) {
    peak = Math.max(peak, await backendsOf(database, username));
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return peak;
}

/** The migrations a migrated database records in pgmigrations, in the order they apply: the project's and the tests' own. */
export const migrationNames = [migrationsDir, ...migrationDirs.map((folder) => path.resolve(migrationsDir, '..', folder))]
  .flatMap((folder) => fs.readdirSync(folder))
  .filter((file) => file.endsWith('.sql'))
  .map((file) => file.replace(/\.sql$/, ''))
  .sort();
/** How many migrations a migrated database records. */
export const migrationCount = migrationNames.length;
