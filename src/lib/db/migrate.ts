import path from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { applicationGroupRole, ensureApplicationLogin, ensureApplicationRole, migrationsTable } from './application-role';
import type { ApplicationLogin } from '../storage/engine';
import { connectionConfig, type ConnectionOptions } from './connection';
import { failureKind } from './errors';
import { config } from '../config';
import type { DbSecret } from '../storage/secret';

export const migrationsDir = path.resolve(__dirname, '../../../migrations');

export interface MigrateOptions {
  dir?: string;
  /**
   * Folders of migrations beside `dir`, from the folder that holds it (the project's root): the test suite's own. All are
   * applied in the one order of their files' names.
   */
  extraDirs?: readonly string[];
  ssl?: ConnectionOptions['ssl'];
  log?: (message: string) => void;
  /** The migration tool's own lines (the files it applies); `log` by default. */
  progress?: (message: string) => void;
  /**
   * How long to keep trying to connect while the server is unreachable or starting, such as an
   * Aurora cluster resuming from a pause (about 15 s, longer after a scale-to-zero).
   */
  waitMs?: number;
  /** The functions' login, made (or kept) a member of the application role once the migrations are in. */
  applicationLogin?: ApplicationLogin;
}

/** Connects, retrying with capped exponential backoff while the server is away or starting, until `waitMs` has passed. */
async function connectWhenReady(connect: () => Promise<pg.Client>, waitMs: number, log: (message: string) => void): Promise<pg.Client> {
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    try {
      const client = await connect();
      if (attempt > 0) log(`database reachable after waiting ${Date.now() - started} ms (${attempt} attempts)`);
      return client;
    } catch (error) {
      const kind = failureKind(error);
      const delayMs = Math.min(5000, 250 * 2 ** attempt);
      const retryable = kind === 'unavailable' || kind === 'capacity' || kind === 'connection-lost';
      // Stryker disable next-line EqualityOperator: the bound to the millisecond, which no test can hit.
      if (!retryable || Date.now() - started + delayMs > waitMs) throw error;
      log(`waiting for the database (${(error as { code?: string }).code ?? kind}): attempt ${attempt + 1}, next in ${delayMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * Applies every pending migration with node-pg-migrate, under its advisory lock so concurrent
 * runs (two deploys, two developers) serialise. Returns the names of the migrations applied.
 */
export async function migrate(
  secret: DbSecret,
  // Stryker disable next-line StringLiteral: any value but 'verify' connects without TLS.
  {
    dir = migrationsDir,
    extraDirs = [],
    ssl = 'off',
    log = () => undefined,
    progress = log,
    waitMs = 0,
    applicationLogin,
  }: MigrateOptions = {},
): Promise<string[]> {
  // Straight to the cluster, never through a proxy: the migration lock is a session-level advisory lock.
  const client = await connectWhenReady(
    async () => {
      const candidate = new pg.Client(
        connectionConfig(secret, { connectTimeoutMs: 10_000, ssl, applicationName: `${config.serviceName}-migrate` }),
      );
      try {
        await candidate.connect();
        return candidate;
      } catch (error) {
        await candidate.end().catch(() => undefined);
        throw error;
      }
    },
    waitMs,
    log,
  );
  try {
    const applied = await runner({
      dbClient: client,
      ...(extraDirs.length
        ? {
            dir: [dir, ...extraDirs.map((folder) => path.resolve(dir, '..', folder))].map((folder) => path.join(folder, '*')),
            useGlob: true,
          }
        : { dir }),
      direction: 'up',
      migrationsTable,
      count: Infinity,
      singleTransaction: true,
      log: progress,
    }).catch(async (error: Error) => {
      // The tool keeps only the message of what it wrapped (and its stack): say which privilege is missing.
      const { rows } = await client.query<{ may: boolean }>("select has_schema_privilege('public', 'create') as may");
      if (rows[0]!.may) throw error;
      throw new Error(
        `${secret.username} may not create tables in ${secret.dbname}: the migrations need the CREATE privilege on schema ` +
          `public, which the database's owner has (${error.message.split('\n')[0]})`,
        { cause: error },
      );
    });
    const role = await ensureApplicationRole(client);
    if (role === 'skipped') {
      log(
        `application role ${applicationGroupRole}: skipped, as ${secret.username} may not create roles; ` +
          `the functions run with ${secret.username}'s own privileges`,
      );
      if (applicationLogin)
        throw new Error(`The functions' login needs the role ${applicationGroupRole}, which ${secret.username} may not create`);
    } else log(`application role ${applicationGroupRole}: ${role}`);
    if (applicationLogin) log(`application login ${applicationLogin.username}: ${await ensureApplicationLogin(client, applicationLogin)}`);
    return applied.map((migration) => migration.name);
  } finally {
    await client.end();
  }
}
