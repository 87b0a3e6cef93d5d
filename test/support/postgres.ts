import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '../../src/lib/db/migrate';
import type { DbSecret } from '../../src/lib/db/secret';
import { freePort } from '../../src/local/local-stack';
import { PostgresServer } from '../../src/local/postgres-server';

export interface TestDatabase {
  server: PostgresServer;
  secret: DbSecret;
  /** A superuser connection for assertions (row counts, pg_stat_activity). */
  admin: pg.Client;
  /** Restarts the server on the same port and data, as after an outage. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const password = 'test-Pa55:/@?#&word';

/** A real PostgreSQL for one test file: its own folder, a free loopback port, migrations applied. */
export async function startTestDatabase(settings: Record<string, string | number> = {}): Promise<TestDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'users-api-pg-'));
  fs.chmodSync(dir, 0o755);
  const port = await freePort();
  const options = { dataDir: path.join(dir, 'data'), port, password, settings };
  const database: TestDatabase = {
    server: await PostgresServer.start(options),
    secret: { engine: 'postgres', host: '127.0.0.1', port, username: 'postgres', password, dbname: 'postgres' },
    admin: undefined as unknown as pg.Client,
    restart: async () => {
      await database.server.stop();
      database.server = await PostgresServer.start(options);
    },
    stop: async () => {
      await database.admin?.end().catch(() => undefined);
      await database.server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await migrate(database.secret);
    database.admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    database.admin.on('error', () => undefined);
    await database.admin.connect();
  } catch (error) {
    await database.stop();
    throw error;
  }
  return database;
}

export async function count(admin: pg.Client, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(sql, values);
  return Number(rows[0]?.n ?? 0);
}
