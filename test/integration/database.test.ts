import net from 'node:net';
import type pg from 'pg';
import { config } from '../../src/lib/config';
import { ContainerPools, Database, type DatabaseOptions, type RetryPolicy } from '../../src/lib/db/database';
import { DatabaseUnavailableError } from '../../src/lib/errors';
import { logger } from '../../src/lib/logger';
import { metrics } from '../../src/lib/metrics';
import * as tracing from '../../src/lib/tracing';
import { fixedSecret, type DbSecret, type SecretSource } from '../../src/lib/storage/secret';
import { freePort } from '../../src/local/local-stack';
import { ensurePgbouncer, startPgbouncer } from '../support/pgbouncer';
import { count, createServiceRole, setPassword, startTestDatabase, type TestDatabase } from '../support/postgres';
import { databaseNames } from '../support/names';

/**
 * The database wrapper on its own, against a real PostgreSQL: each retry, its limit, its delay and
 * what it reports. The scenarios through the handlers (rotation under load, storms, outages) are
 * in rotation-and-outage, connection-limits, idle-sessions and hung-database.
 */

// node:timers/promises, as the wrapper requires it: its backoff sleeps are recorded through this object.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const timers = require('node:timers/promises') as typeof import('node:timers/promises');
const realSleep = timers.setTimeout;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const crypto = require('node:crypto') as typeof import('node:crypto');

const role = `${databaseNames.login}_wrapper`;
const password = 'wrapper:P@ss/word?';
const options: DatabaseOptions = Object.freeze({ poolMax: 1, connectTimeoutMs: 500, queryTimeoutMs: 2000, budgetMs: 2500, ssl: 'off' });
const policy: RetryPolicy = Object.freeze({ capacityAttempts: 4, baseMs: 40, capMs: 100, credentialRefreshes: 2 });

let database: TestDatabase;
let secret: DbSecret;
let pools: ContainerPools;
let sleeps: number[];
let log: { info: jest.SpyInstance; warn: jest.SpyInstance; debug: jest.SpyInstance };
let addMetric: jest.SpyInstance;

beforeAll(async () => {
  database = await startTestDatabase();
  secret = await createServiceRole(database, role, password);
  await database.admin.query(`create sequence probe_attempts; grant usage on sequence probe_attempts to ${databaseNames.applicationRole}`);
  await database.admin.query("select nextval('probe_attempts')");
});

afterAll(async () => {
  await database?.stop();
});

beforeEach(() => {
  pools = new ContainerPools();
  sleeps = [];
  jest.spyOn(timers, 'setTimeout').mockImplementation(((delay: number) => {
    sleeps.push(delay);
    return realSleep(delay);
  }) as typeof timers.setTimeout);
  // Full jitter at its midpoint: every delay is exactly half its ceiling.
  jest.spyOn(Math, 'random').mockReturnValue(0.5);
  log = { info: jest.spyOn(logger, 'info'), warn: jest.spyOn(logger, 'warn'), debug: jest.spyOn(logger, 'debug') };
  addMetric = jest.spyOn(metrics, 'addMetric');
});

afterEach(async () => {
  jest.restoreAllMocks();
  await pools.end();
  await database.admin.query(`alter role ${role} connection limit -1`);
});

const databaseWith = (source: SecretSource, overrides: Partial<DatabaseOptions> = {}, retries: Partial<RetryPolicy> = {}) =>
  new Database(source, { ...options, ...overrides }, { ...policy, ...retries }, pools);

/** The metrics the wrapper added, by name (the round-trip timings are counted, not listed). */
const metricsAdded = () => addMetric.mock.calls.map(([name]) => name).filter((name) => name !== 'DatabaseRoundTrip');
const messages = (spy: jest.SpyInstance) => spy.mock.calls.map(([message]) => message);
const isDuration = (ms: unknown) => typeof ms === 'number' && ms >= 0 && ms < 1000;
const backendPid = async (db: Database) => (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;

/** A secret that the server rejects until it has been refreshed `rejected` times. */
function rotatingSecret(rejected: number) {
  const wrong = { ...secret, password: 'not-the-password' };
  const source = {
    refreshes: 0,
    current: () => (source.refreshes >= rejected ? secret : wrong),
    refresh: async () => {
      source.refreshes += 1;
      return source.current();
    },
  };
  return source;
}

async function expectUnavailable(promise: Promise<unknown>, cause: Record<string, unknown>) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DatabaseUnavailableError);
  expect((error as Error).cause).toMatchObject(cause);
}

/** Ends the backend that runs `statement` as soon as it shows up; resolves with how many it ended. */
async function terminateWhenRunning(statement: string): Promise<number> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const { rowCount } = await database.admin.query(
      // In its pg_sleep: the statement has taken its number from the sequence, which the tests count.
      "select pg_terminate_backend(pid) from pg_stat_activity where query = $1 and state = 'active' and wait_event = 'PgSleep' and pid <> pg_backend_pid()",
      [statement],
    );
    if (rowCount) return rowCount;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return 0;
}

/** A loopback server that accepts each connection and closes it at once: a login dropped by a failover. */
async function droppingServer() {
  const server = net.createServer((socket) => {
    server.accepted += 1;
    socket.destroy();
  }) as net.Server & { accepted: number };
  server.accepted = 0;
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, secret: { ...secret, port } };
}

describe('one connection per container', () => {
  it('opens one connection on first use and reuses it, with the values bound and the service named', async () => {
    const traced = jest.spyOn(tracing, 'traced');
    const db = databaseWith(fixedSecret(secret));
    const first = await db.query<{ n: number }>('select $1::int + 1 as n', [41]);
    const second = await db.query<{ name: string }>("select current_setting('application_name') as name");

    expect(first.rows).toEqual([{ n: 42 }]);
    expect(first.repeated).toBe(false);
    expect(second.rows).toEqual([{ name: config.serviceName }]);
    expect(pools.opened).toBe(1);
    expect(await count(database.admin, 'select count(*) as n from pg_stat_activity where usename = $1', [role])).toBe(1);
    expect(messages(log.info)).toEqual(['database pool created', 'database connection opened']);
    expect(log.info.mock.calls[0]![1]).toEqual({
      host: '127.0.0.1',
      port: secret.port,
      dbname: secret.dbname,
      viaProxy: false,
      poolMax: 1,
    });
    expect(log.info.mock.calls[1]![1]).toEqual({ durationMs: expect.any(Number), opened: 1 });
    expect(isDuration(log.info.mock.calls[1]![1].durationMs)).toBe(true);
    const roundTrips = addMetric.mock.calls
      .filter(([name]) => name === 'DatabaseRoundTrip')
      .map(([, unit, value]) => [unit, isDuration(value)]);
    expect(roundTrips).toEqual([
      ['Milliseconds', true],
      ['Milliseconds', true],
    ]);
    // A trace shows the statement's text, never its values.
    expect(traced.mock.calls.map(([name, , metadata]) => [name, metadata])).toEqual([
      ['PostgreSQL', { sql: 'select $1::int + 1 as n' }],
      ['PostgreSQL', { sql: "select current_setting('application_name') as name" }],
    ]);
    expect(metricsAdded()).toEqual([]);
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('sets the server-side statement timeout at login, and leaves it to a proxy or after a pooler refused it', async () => {
    const timeout = async (db: Database) => (await db.query<{ t: string }>("select current_setting('statement_timeout') as t")).rows[0]!.t;
    expect(await timeout(databaseWith(fixedSecret(secret)))).toBe('2s');
    await pools.end();

    const viaProxy = databaseWith(fixedSecret({ ...secret, host: 'cluster.invalid' }), { proxy: { host: '127.0.0.1', port: secret.port } });
    expect(await timeout(viaProxy)).toBe('0');
    expect(log.info.mock.calls.filter(([message]) => message === 'database pool created').at(-1)![1]).toMatchObject({
      host: '127.0.0.1',
      port: secret.port,
      viaProxy: true,
    });
    await pools.end();

    pools.withoutStartupParameters();
    expect(await timeout(databaseWith(fixedSecret(secret)))).toBe('0');
  });

  it('keeps the connection when the server refuses a statement, and passes the refusal on untranslated', async () => {
    const db = databaseWith(fixedSecret(secret));
    const pid = await backendPid(db);
    const error = await db.query('select 1 / 0').catch((reason: unknown) => reason);

    expect(error).not.toBeInstanceOf(DatabaseUnavailableError);
    expect(error).toMatchObject({ code: '22012' });
    expect(await backendPid(db)).toBe(pid);
    expect(pools.opened).toBe(1);
    expect(log.debug).toHaveBeenCalledWith('database statement failed', {
      kind: 'statement',
      code: '22012',
      idempotent: false,
      repeated: false,
    });
  });

  it('answers ping with the round trip in milliseconds, as a statement that may be repeated, and lends its credentials', async () => {
    const db = databaseWith(fixedSecret(secret));
    const query = jest.spyOn(db, 'query');
    const ms = await db.ping();
    expect(query.mock.calls).toEqual([['select 1', [], { idempotent: true }]]);
    expect(ms).toBeGreaterThan(0);
    expect(ms).toBeLessThan(1000);
    expect(Math.round(ms * 100) / 100).toBe(ms);
    expect(db.credentials()).toBe(secret);
  });
});

describe('new credentials', () => {
  it('keeps the pool for an equal secret, and replaces it, closing the old one, for a different one', async () => {
    const db = (source: DbSecret) => databaseWith(fixedSecret(source));
    const hashes = jest.spyOn(crypto, 'createHash');
    await db(secret).query('select 1');
    await db(secret).query('select 1');
    // The same secret object again: not even hashed.
    expect(hashes).toHaveBeenCalledTimes(1);
    await db({ ...secret }).query('select 1');
    expect(hashes).toHaveBeenCalledTimes(2);
    expect(pools.opened).toBe(1);
    expect(messages(log.info)).not.toContain('database pool replaced for new credentials');

    await setPassword(database, role, 'next:P@ss/word');
    await db({ ...secret, password: 'next:P@ss/word' }).query('select 1');
    expect(pools.opened).toBe(2);
    expect(messages(log.info)).toContain('database pool replaced for new credentials');
    // The old pool's connection is closed in the background.
    for (
      let i = 0;
      i < 50 && (await count(database.admin, 'select count(*) as n from pg_stat_activity where usename = $1', [role])) > 1;
      i += 1
    )
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await count(database.admin, 'select count(*) as n from pg_stat_activity where usename = $1', [role])).toBe(1);
    await setPassword(database, role, password);
  });

  it('refreshes the secret after a rejected login, backing off from the second refresh, and goes on with the new one', async () => {
    const source = rotatingSecret(2);
    const result = await databaseWith(source).query<{ n: number }>('select 1 as n');

    expect(result.rows).toEqual([{ n: 1 }]);
    expect(source.refreshes).toBe(2);
    // The first refresh is immediate; then full jitter from baseMs * 2^3 (capped).
    expect(sleeps).toEqual([0, 0.5 * Math.min(policy.capMs, policy.baseMs * 8)]);
    expect(metricsAdded()).toEqual(['RetryCredentialsRefreshed', 'RetryCredentialsRefreshed']);
    expect(log.warn.mock.calls).toEqual([
      ['database rejected the credentials; refreshing the secret', { code: '28P01', attempt: 1 }],
      ['database rejected the credentials; refreshing the secret', { code: '28P01', attempt: 2 }],
    ]);
    expect(log.debug).toHaveBeenCalledWith('database connect failed', { kind: 'credentials', code: '28P01' });
    expect(pools.opened).toBe(1);
  });

  it('gives up with 503 after its refreshes are spent', async () => {
    const source = rotatingSecret(Infinity);
    await expectUnavailable(databaseWith(source, {}, { capMs: 10 }).query('select 1'), { code: '28P01' });
    expect(source.refreshes).toBe(policy.credentialRefreshes);
    expect(sleeps).toEqual([0, 5]);
    expect(pools.opened).toBe(0);
  });

  it('refreshes when the budget has exactly the room for another login', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const source = rotatingSecret(1);
    await databaseWith(source, { budgetMs: options.connectTimeoutMs }).query('select 1');
    expect(source.refreshes).toBe(1);
  });

  it('does not refresh when the budget has no room for another login', async () => {
    const source = rotatingSecret(1);
    await expectUnavailable(databaseWith(source, { budgetMs: 400 }).query('select 1'), { code: '28P01' });
    expect(source.refreshes).toBe(0);
    expect(sleeps).toEqual([]);
  });
});

describe('no connection slot free', () => {
  beforeEach(() => database.admin.query(`alter role ${role} connection limit 0`));

  it('backs off with capped full jitter for its attempts, then answers 503', async () => {
    await expectUnavailable(databaseWith(fixedSecret(secret)).query('select 1'), { code: '53300' });

    // Half of min(capMs, baseMs * 2^n) for n = 0, 1, 2: the last one capped.
    expect(sleeps).toEqual([20, 40, 50]);
    expect(metricsAdded()).toEqual(Array(3).fill('RetryCapacityBackoff'));
    expect(log.warn.mock.calls).toEqual(
      [20, 40, 50].map((delayMs, index) => [
        'database has no connection slot free; backing off',
        { code: '53300', attempt: index + 1, delayMs },
      ]),
    );
    expect(log.debug.mock.calls.filter(([message]) => message === 'database connect failed')).toHaveLength(4);
  });

  it('goes on as soon as a slot is free', async () => {
    jest.spyOn(timers, 'setTimeout').mockImplementation((async (delay: number) => {
      sleeps.push(delay);
      await database.admin.query(`alter role ${role} connection limit -1`);
      return realSleep(delay);
    }) as typeof timers.setTimeout);
    const result = await databaseWith(fixedSecret(secret)).query<{ n: number }>('select 1 as n');

    expect(result.rows).toEqual([{ n: 1 }]);
    expect(sleeps).toEqual([20]);
    expect(pools.opened).toBe(1);
  });

  it('answers 503 at once when the budget has no room for the backoff and another attempt', async () => {
    await expectUnavailable(databaseWith(fixedSecret(secret), { budgetMs: 520 }).query('select 1'), { code: '53300' });
    expect(sleeps).toEqual([]);
    expect(metricsAdded()).toEqual(['RetryCapacityBackoff']);
  });
});

describe('a connection lost', () => {
  it('tries one fresh login when the server drops it while logging in, then answers 503', async () => {
    const dropping = await droppingServer();
    try {
      await expectUnavailable(databaseWith(fixedSecret(dropping.secret)).query('select 1'), {
        message: expect.stringMatching(/terminated/i),
      });
      expect(dropping.server.accepted).toBe(2);
      expect(sleeps).toEqual([0]);

      dropping.server.accepted = 0;
      await expectUnavailable(databaseWith(fixedSecret(dropping.secret), { budgetMs: 400 }).query('select 1'), {});
      expect(dropping.server.accepted).toBe(1);
    } finally {
      dropping.server.close();
    }
  });

  const probe = "select nextval('probe_attempts') as attempt, pg_sleep(0.4)";
  const attempts = async () => count(database.admin, 'select last_value as n from probe_attempts');

  it('repeats an idempotent statement once on a fresh connection after the link broke in flight, and says so', async () => {
    const db = databaseWith(fixedSecret(secret));
    await db.query('select 1');
    const before = await attempts();
    const [result, ended] = await Promise.all([
      db.query<{ attempt: string }>(probe, [], { idempotent: true }),
      terminateWhenRunning(probe),
    ]);

    expect(ended).toBe(1);
    expect(result.repeated).toBe(true);
    expect(Number(result.rows[0]!.attempt)).toBe(before + 2);
    expect(await attempts()).toBe(before + 2);
    expect(pools.opened).toBe(2);
    expect(metricsAdded()).toEqual(['RetryInFlightRepeat']);
    expect(log.warn).toHaveBeenCalledWith('database connection lost in flight; retrying on a fresh connection', {
      error: 'terminating connection due to administrator command',
    });
    expect(messages(log.info)).toContain('database reconnected');
  });

  it('never repeats a statement that is not idempotent, nor one twice', async () => {
    const db = databaseWith(fixedSecret(secret));
    const before = await attempts();
    const [, ended] = await Promise.all([expectUnavailable(db.query(probe), { code: '57P01' }), terminateWhenRunning(probe)]);
    expect(ended).toBe(1);
    expect(await attempts()).toBe(before + 1);
    expect(metricsAdded()).toEqual([]);

    const twice = async () => (await terminateWhenRunning(probe)) + (await terminateWhenRunning(probe));
    const [, endedTwice] = await Promise.all([expectUnavailable(db.query(probe, [], { idempotent: true }), { code: '57P01' }), twice()]);
    expect(endedTwice).toBe(2);
    expect(await attempts()).toBe(before + 3);
    expect(metricsAdded()).toEqual(['RetryInFlightRepeat']);
  });

  it('never repeats a statement the server refused, idempotent or not', async () => {
    const db = databaseWith(fixedSecret(secret));
    const before = await attempts();
    const error = await db.query("select nextval('probe_attempts') / 0", [], { idempotent: true }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: '22012' });
    expect(await attempts()).toBe(before + 1);
    expect(metricsAdded()).toEqual([]);
  });

  it('logs, and survives, the loss of an idle connection', async () => {
    const db = databaseWith(fixedSecret(secret));
    await db.query('select 1');
    await database.admin.query('select pg_terminate_backend(pid) from pg_stat_activity where usename = $1', [role]);
    for (let i = 0; i < 50 && log.warn.mock.calls.length < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));

    // Both the pool's listener and the connection's own (which covers it while checked out) log it; neither throws.
    const lost = { error: 'terminating connection due to administrator command', code: '57P01' };
    expect(log.warn.mock.calls).toEqual(
      expect.arrayContaining([
        ['idle database connection lost', lost],
        ['database connection lost', lost],
      ]),
    );
    expect((await db.query<{ n: number }>('select 1 as n')).rows).toEqual([{ n: 1 }]);
    expect(pools.opened).toBe(2);
  });
});

describe('idle connections', () => {
  it('replaces a connection idle longer than maxIdleMs before sending anything on it', async () => {
    const db = databaseWith(fixedSecret(secret), { maxIdleMs: 50 });
    const first = await backendPid(db);
    expect(await backendPid(db)).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await backendPid(db)).not.toBe(first);
    expect(pools.opened).toBe(2);
    expect(log.info).toHaveBeenCalledWith('idle database connection replaced', { maxIdleMs: 50 });
  });

  it('counts idle time from the last release, up to and including maxIdleMs', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1000);
    const client = { release: jest.fn() } as unknown as pg.PoolClient;
    expect(pools.isStale(client, 0)).toBe(false);
    pools.release(client);
    now.mockReturnValue(1050);
    expect(pools.isStale(client, 50)).toBe(false);
    now.mockReturnValue(1051);
    expect(pools.isStale(client, 50)).toBe(true);
    expect(pools.isStale(client, undefined)).toBe(false);
    pools.release(client, new Error('broken'));
    expect((client.release as jest.Mock).mock.calls).toEqual([[undefined], [new Error('broken')]]);
  });

  it('keeps a connection idle for less than maxIdleMs, and any connection without it', async () => {
    for (const maxIdleMs of [10_000, undefined]) {
      await pools.end();
      const db = databaseWith(fixedSecret(secret), { maxIdleMs });
      const first = await backendPid(db);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await backendPid(db)).toBe(first);
    }
    expect(messages(log.info)).not.toContain('idle database connection replaced');
  });
});

describe('time limits', () => {
  const elapsed = async (promise: Promise<unknown>) => {
    const started = Date.now();
    await expectUnavailable(promise, { message: expect.stringMatching(/timeout/i) });
    return Date.now() - started;
  };

  // Through a proxy: no server-side statement timeout, so the client's own limit is what ends the wait.
  const viaProxy = { proxy: { host: '127.0.0.1', port: 0 } };

  beforeEach(() => (viaProxy.proxy.port = secret.port));

  it('ends a statement at queryTimeoutMs, or sooner when the budget ends first', async () => {
    expect(await elapsed(databaseWith(fixedSecret(secret), { ...viaProxy, queryTimeoutMs: 300 }).query('select pg_sleep(3)'))).toBeLessThan(
      1200,
    );
    await pools.end();
    expect(await elapsed(databaseWith(fixedSecret(secret), { ...viaProxy, budgetMs: 300 }).query('select pg_sleep(3)'))).toBeLessThan(1200);
  });

  it('drops the connection whose statement timed out, so the next one does not queue behind it', async () => {
    const db = databaseWith(fixedSecret(secret), { ...viaProxy, queryTimeoutMs: 300 });
    const pid = await backendPid(db);
    await elapsed(db.query('select pg_sleep(3)'));
    const started = Date.now();
    expect(await backendPid(db)).not.toBe(pid);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(pools.opened).toBe(2);
  });
});

const skipReason = ensurePgbouncer();
(skipReason ? describe.skip : describe)('a pooler that refuses settings at login', () => {
  it('logs in again without them, once for the container', async () => {
    const bouncer = await startPgbouncer(database.server, role, password, 1);
    try {
      const viaBouncer = databaseWith(fixedSecret({ ...secret, port: bouncer.port }));
      expect((await viaBouncer.query<{ n: number }>('select 1 as n')).rows).toEqual([{ n: 1 }]);
      expect(pools.startupParameters).toBe(false);
      expect(log.warn.mock.calls).toEqual([
        ['the database refused settings at login (a pooler); connecting without them', { code: '08P01' }],
      ]);
      expect(sleeps).toEqual([]);
      await viaBouncer.query('select 1');
      expect(log.warn).toHaveBeenCalledTimes(1);
    } finally {
      await pools.end();
      await bouncer.stop();
    }
  });
});
