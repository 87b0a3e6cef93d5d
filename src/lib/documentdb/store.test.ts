import { setTimeout as sleep } from 'node:timers/promises';
import { MongoServerError, type Db } from 'mongodb';
import { DatabaseUnavailableError } from '../errors';
import { logger } from '../logger';
import { metrics } from '../metrics';
import { fixedSecret, type DbSecret, type SecretSource } from '../storage/secret';
import { freePort } from '../../local/local-stack';
import { startBlackhole, type Blackhole } from '../../../test/support/blackhole';
import { withEnv } from '../../../test/support/fresh';
import { loadDocumentDbConfig } from './config';
import { documentDbEngine } from './engine';
import { DocumentStore, type RunOptions } from './store';

/**
 * The store's rules without a server: the official driver against loopback ports that refuse (a free port: nothing listens) or never answer, and the
 * server's refusal of a login as the driver reports it. The resources' contract tests run the rest
 * against a real server (test/integration/documentdb.test.ts).
 */

/** The server's answer to a password it no longer accepts (a rotation), as the driver raises it. */
const loginRejected = () =>
  Object.assign(new MongoServerError({ message: 'Authentication failed.', errmsg: 'Authentication failed.', code: 18 }), { code: 18 });

/** A secret source that hands out a new secret on every refresh, and counts them. */
function rotatingSecrets(port: number) {
  let version = 0;
  const make = (): DbSecret => ({ host: '127.0.0.1', port, username: 'users', password: `password-${version}`, dbname: 'users' });
  let secret = make();
  const source: SecretSource & { refreshes: number } = {
    refreshes: 0,
    current: () => secret,
    refresh: async () => {
      source.refreshes += 1;
      version += 1;
      secret = make();
      return secret;
    },
  };
  return source;
}

const configWith = (overrides: Record<string, string> = {}) =>
  loadDocumentDbConfig({
    DOCDB_TLS: 'off',
    DOCDB_REPLICA_SET: '',
    DOCDB_SERVER_SELECTION_TIMEOUT_MS: '200',
    DOCDB_CONNECT_TIMEOUT_MS: '200',
    DOCDB_SOCKET_TIMEOUT_MS: '300',
    DOCDB_BUDGET_MS: '2000',
    ...overrides,
  });

let stores: DocumentStore[] = [];
let addMetric: jest.SpyInstance;
let warn: jest.SpyInstance;
let info: jest.SpyInstance;
const storeWith = (secrets: SecretSource, config = configWith()) => {
  const store = new DocumentStore(secrets, config);
  stores.push(store);
  return store;
};
/** The retry metrics the store added, by name (the round-trip timings are counted, not listed). */
const retriesCounted = () => addMetric.mock.calls.map(([name]) => name).filter((name) => name !== 'DatabaseRoundTrip');
const roundTripsTimed = () => addMetric.mock.calls.filter(([name]) => name === 'DatabaseRoundTrip').length;

/** A ping through `store.run`: whether each attempt was told it is a repeat, and how the run failed. */
async function pingAttempts(store: DocumentStore, options?: RunOptions) {
  const sent: boolean[] = [];
  const failure = await store
    .run(async (db, repeated) => {
      sent.push(repeated);
      return db.command({ ping: 1 });
    }, options)
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  return { sent, failure };
}

beforeEach(() => {
  addMetric = jest.spyOn(metrics, 'addMetric');
  warn = jest.spyOn(logger, 'warn');
  info = jest.spyOn(logger, 'info');
});

afterEach(async () => {
  jest.restoreAllMocks();
  await Promise.all(stores.map((store) => store.close()));
  stores = [];
});

describe('DocumentStore, when no server can be reached', () => {
  it('answers 503 after the driver has tried to select a server, and tries an operation that may not repeat once', async () => {
    const { sent, failure } = await pingAttempts(storeWith(rotatingSecrets(await freePort())));
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect(failure).toMatchObject({
      message: 'DocumentDB cannot be reached',
      retryAfterSeconds: 1,
      cause: { name: 'MongoServerSelectionError' },
    });
    expect(sent).toEqual([false]);
    expect(retriesCounted()).toEqual([]);
    expect(roundTripsTimed()).toBe(0);
    expect(warn).toHaveBeenCalledWith('DocumentDB unavailable', { kind: 'unavailable', errorName: 'MongoServerSelectionError' });
  });

  it('tries an idempotent operation once more, telling it so, before the 503', async () => {
    const { sent, failure } = await pingAttempts(storeWith(rotatingSecrets(await freePort())), { idempotent: true });
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect(sent).toEqual([false, true]);
    expect(retriesCounted()).toEqual(['RetryInFlightRepeat']);
  });

  it('does not repeat when the budget has no room left for another connection', async () => {
    const store = storeWith(rotatingSecrets(await freePort()), configWith({ DOCDB_BUDGET_MS: '250' }));
    // One server selection takes 200 ms: no room for another connection (200 ms) within 250 ms.
    const { sent, failure } = await pingAttempts(store, { idempotent: true });
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect(sent).toEqual([false]);
  });

  describe('a server that accepts connections and never answers', () => {
    let blackhole: Blackhole;
    beforeEach(async () => {
      blackhole = await startBlackhole();
    });
    afterEach(() => blackhole.close());

    it('is a 503 within the connect timeout, and the readiness ping says so', async () => {
      const store = storeWith(rotatingSecrets(blackhole.port));
      const started = Date.now();
      await expect(store.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(blackhole.accepted()).toBeGreaterThan(0);
      // A ping may run twice: it is repeated once, as idempotent operations are.
      expect(retriesCounted()).toEqual(['RetryInFlightRepeat']);
      // Two attempts (the ping may repeat), each bounded by server selection: well within the budget.
      expect(Date.now() - started).toBeLessThan(2000);
    });
  });
});

describe('DocumentStore, when the server rejects the credentials', () => {
  it('fetches the secret again, builds a client with it, and repeats the operation', async () => {
    const secrets = rotatingSecrets(await freePort());
    const store = storeWith(secrets);
    const clients: unknown[] = [];
    const result = await store.run(async (db: Db) => {
      clients.push(db.client);
      if (clients.length <= 2) throw loginRejected();
      return 'answered';
    });
    expect(result).toBe('answered');
    expect(secrets.refreshes).toBe(2);
    // A client per secret: the rejected credentials are never sent again.
    expect(new Set(clients).size).toBe(3);
    expect(retriesCounted()).toEqual(['RetryCredentialsRefreshed', 'RetryCredentialsRefreshed']);
    expect(roundTripsTimed()).toBe(1);
    expect(warn.mock.calls.map(([message, fields]) => [message, fields])).toEqual([
      ['DocumentDB rejected the credentials; refreshing the secret', { attempt: 1 }],
      ['DocumentDB rejected the credentials; refreshing the secret', { attempt: 2 }],
    ]);
  });

  it('gives up with a 503 after three refreshes', async () => {
    const secrets = rotatingSecrets(await freePort());
    const store = storeWith(secrets);
    let sent = 0;
    const failure = await store
      .run(async () => {
        sent += 1;
        throw loginRejected();
      })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseUnavailableError);
    expect(failure).toMatchObject({ cause: { code: 18 } });
    expect(sent).toBe(4);
    expect(secrets.refreshes).toBe(3);
    expect(warn).toHaveBeenLastCalledWith('DocumentDB unavailable', { kind: 'credentials', errorName: 'MongoServerError' });
  });

  it('refreshes no more once the budget is spent', async () => {
    const secrets = rotatingSecrets(await freePort());
    const store = storeWith(secrets, configWith({ DOCDB_BUDGET_MS: '100' }));
    let sent = 0;
    await expect(
      store.run(async () => {
        sent += 1;
        await sleep(60);
        throw loginRejected();
      }),
    ).rejects.toBeInstanceOf(DatabaseUnavailableError);
    // Rejected at about 60 ms (within the budget: refresh) and at about 120 ms (past it: 503).
    expect(sent).toBe(2);
    expect(secrets.refreshes).toBe(1);
  });
});

describe('DocumentStore, otherwise', () => {
  it('keeps one client while the secret is the same, and replaces it, closing the old one, when a refresh brings a new one', async () => {
    const secrets = rotatingSecrets(await freePort());
    const store = storeWith(secrets);
    const clientOf = () => store.run(async (db) => db.client);
    const first = await clientOf();
    const closeFirst = jest.spyOn(first, 'close');
    expect(await clientOf()).toBe(first);
    await secrets.refresh();
    const second = await clientOf();
    expect(second).not.toBe(first);
    expect(await clientOf()).toBe(second);
    expect(closeFirst).toHaveBeenCalledTimes(1);
    expect(info.mock.calls.map(([message]) => message)).toEqual([
      'DocumentDB client created',
      'DocumentDB client replaced for new credentials',
    ]);
    // Each operation's round trip, in milliseconds.
    const timings = addMetric.mock.calls.filter(([name]) => name === 'DatabaseRoundTrip').map(([, , value]) => value as number);
    expect(timings).toHaveLength(4);
    expect(timings.every((timing) => timing >= 0 && timing < 100)).toBe(true);
  });

  it('closes its client, and builds a new one if used again; closing a store never used does nothing', async () => {
    const store = storeWith(rotatingSecrets(await freePort()));
    await expect(storeWith(rotatingSecrets(await freePort())).close()).resolves.toBeUndefined();
    const first = await store.run(async (db) => db.client);
    const closeFirst = jest.spyOn(first, 'close');
    await store.close();
    expect(closeFirst).toHaveBeenCalledTimes(1);
    expect(await store.run(async (db) => db.client)).not.toBe(first);
  });

  it('passes any other failure through as it is, without a retry', async () => {
    const secrets = rotatingSecrets(await freePort());
    const store = storeWith(secrets);
    const duplicate = Object.assign(new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 }), { code: 11000 });
    const bug = new TypeError('not a database failure');
    for (const failure of [duplicate, bug]) {
      let sent = 0;
      await expect(
        store.run(
          async () => {
            sent += 1;
            throw failure;
          },
          { idempotent: true },
        ),
      ).rejects.toBe(failure);
      expect(sent).toBe(1);
    }
    expect(secrets.refreshes).toBe(0);
    expect(retriesCounted()).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('the DocumentDB engine', () => {
  it("connects a store with the environment's settings, which the readiness ping uses", async () => {
    const secret = { host: '127.0.0.1', port: await freePort(), username: 'users', password: 'p', dbname: 'users' };
    const settings = { DOCDB_TLS: 'off', DOCDB_REPLICA_SET: '', DOCDB_SERVER_SELECTION_TIMEOUT_MS: '100', DOCDB_CONNECT_TIMEOUT_MS: '100' };
    const connection = withEnv(settings, () => documentDbEngine.connect(fixedSecret(secret)));
    expect(connection).toBeInstanceOf(DocumentStore);
    const started = Date.now();
    await expect(connection.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    // The environment's server selection timeout (100 ms): one attempt with the default would take 1.5 s.
    expect(Date.now() - started).toBeLessThan(1500);
    expect(documentDbEngine).toMatchObject({ name: 'documentdb', secretDefaults: { port: 27017 } });
  });
});
