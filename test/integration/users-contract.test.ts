import { ContainerPools, Database, defaultRetryPolicy } from '../../src/lib/db/database';
import { loadDocumentDbConfig } from '../../src/lib/documentdb/config';
import { applyIndexSteps } from '../../src/lib/documentdb/indexes';
import { DocumentStore } from '../../src/lib/documentdb/store';
import { DocumentDbUsersRepository, usersCollection } from '../../src/lib/documentdb/users';
import { fixedSecret } from '../../src/lib/storage/secret';
import { ConflictError, NotFoundError } from '../../src/lib/errors';
import type { UsersRepository } from '../../src/lib/users/model';
import { listUsers } from '../../src/lib/users/pagination';
import { PostgresUsersRepository } from '../../src/lib/users/postgres';
import { count, startTestDatabase, type TestDatabase } from '../support/postgres';

/** The contract every UsersRepository engine must pass: PostgreSQL always, a MongoDB when MONGODB_URI names one. */
function usersRepositoryContract(
  name: string,
  setup: () => Promise<{ users: UsersRepository; rows: () => Promise<number>; teardown: () => Promise<void> }>,
) {
  describe(`UsersRepository contract: ${name}`, () => {
    let users: UsersRepository;
    let rows: () => Promise<number>;
    let teardown: () => Promise<void>;

    beforeAll(async () => {
      ({ users, rows, teardown } = await setup());
    });
    afterAll(() => teardown?.());

    it('creates a user with a server-chosen UUID and timestamps', async () => {
      const before = await rows();
      const user = await users.create({ email: 'grace@example.com', name: 'Grace Hopper' });
      expect(user.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(user).toMatchObject({ email: 'grace@example.com', name: 'Grace Hopper' });
      expect(new Date(user.createdAt).toISOString()).toBe(user.createdAt);
      expect(user.updatedAt).toBe(user.createdAt);
      expect(await rows()).toBe(before + 1);
      expect(await users.get(user.id)).toEqual(user);
    });

    it('rejects a second user with the same email, whatever its case', async () => {
      await users.create({ email: 'linus@example.com', name: 'Linus' });
      const before = await rows();
      await expect(users.create({ email: 'linus@example.com', name: 'Other' })).rejects.toBeInstanceOf(ConflictError);
      expect(await rows()).toBe(before);
    });

    it('stores hostile text as data, never as SQL', async () => {
      const name = "Robert'); drop table users; --";
      const user = await users.create({ email: 'bobby@example.com', name });
      expect((await users.get(user.id)).name).toBe(name);
      expect(await rows()).toBeGreaterThan(0);
    });

    it('replaces email and name, moves updatedAt and keeps createdAt', async () => {
      const user = await users.create({ email: 'old@example.com', name: 'Old' });
      // Timestamps are read in milliseconds: let one pass, so that a replace that kept updatedAt would show.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const replaced = await users.replace(user.id, { email: 'new@example.com', name: 'New' });
      expect(replaced).toMatchObject({ id: user.id, email: 'new@example.com', name: 'New', createdAt: user.createdAt });
      expect(Date.parse(replaced.updatedAt)).toBeGreaterThan(Date.parse(user.updatedAt));
      expect((await users.get(user.id)).updatedAt).toBe(replaced.updatedAt);
      await expect(users.replace(user.id, { email: 'linus@example.com', name: 'X' })).rejects.toBeInstanceOf(ConflictError);
      expect((await users.get(user.id)).email).toBe('new@example.com');
    });

    it('removes a user once; a second removal and later reads are not found', async () => {
      const user = await users.create({ email: 'gone@example.com', name: 'Gone' });
      const before = await rows();
      await users.remove(user.id);
      expect(await rows()).toBe(before - 1);
      await expect(users.remove(user.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(users.get(user.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(users.replace(user.id, { email: 'g@example.com', name: 'G' })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('pages through every user exactly once in a stable order', async () => {
      for (let i = 0; i < 23; i += 1) await users.create({ email: `page${i}@example.com`, name: `Page ${i}` });
      const total = await rows();
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listUsers(users, 5, cursor);
        expect(page.items.length).toBeLessThanOrEqual(5);
        seen.push(...page.items.map((user) => user.id));
        cursor = page.next ?? undefined;
        pages += 1;
      } while (cursor);
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      expect([...seen].sort()).toEqual(seen);
      expect(pages).toBe(Math.ceil(total / 5));
      const last = await listUsers(users, 100);
      expect(last.next).toBeNull();
      expect(last.items).toHaveLength(total);
    });
  });
}

let database: TestDatabase;
usersRepositoryContract('PostgreSQL', async () => {
  database = await startTestDatabase();
  const pools = new ContainerPools();
  const options = { poolMax: 1, connectTimeoutMs: 2000, queryTimeoutMs: 2500, budgetMs: 2800, ssl: 'off' } as const;
  const db = new Database(fixedSecret(database.secret), options, defaultRetryPolicy, pools);
  return {
    users: new PostgresUsersRepository(db),
    rows: () => count(database.admin, 'select count(*) as n from users'),
    teardown: async () => {
      await pools.end();
      await database.stop();
    },
  };
});

describe('the PostgreSQL repository, when the connection is lost with its statement in flight', () => {
  let own: TestDatabase;
  let pools: ContainerPools;
  let users: PostgresUsersRepository;

  beforeAll(async () => {
    own = await startTestDatabase();
    pools = new ContainerPools();
    const options = { poolMax: 1, connectTimeoutMs: 2000, queryTimeoutMs: 5000, budgetMs: 8000, ssl: 'off' } as const;
    users = new PostgresUsersRepository(new Database(fixedSecret(own.secret), options, defaultRetryPolicy, pools));
  });
  afterAll(async () => {
    await pools.end();
    await own?.stop();
  });

  /**
   * Runs `operation` while the users table is locked, ends the backend whose statement (starting
   * with `statementStart`) waits for the lock, then releases the table: the statement was sent,
   * and its outcome is unknown to the client. Resolves with how many backends it ended and the
   * operation's result.
   */
  async function lostInFlight<T>(statementStart: string, operation: () => Promise<T>) {
    await own.admin.query('begin');
    await own.admin.query('lock table users in access exclusive mode');
    const outcome = operation();
    outcome.catch(() => undefined);
    let ended = 0;
    try {
      for (const deadline = Date.now() + 3000; !ended && Date.now() < deadline;) {
        // Inside the transaction, pg_stat_activity is a snapshot taken at its first read.
        await own.admin.query('select pg_stat_clear_snapshot()');
        const { rowCount } = await own.admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where wait_event_type = 'Lock' and query like $1 and pid <> pg_backend_pid()",
          [`${statementStart}%`],
        );
        ended = rowCount ?? 0;
        if (!ended) await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await own.admin.query('commit');
    }
    return { ended, result: await outcome };
  }

  const rowsOf = (id: string) => count(own.admin, 'select count(*) as n from users where id = $1', [id]);

  it('creates the user once, repeating the insert on a fresh connection', async () => {
    const { ended, result } = await lostInFlight('with inserted', () => users.create({ email: 'lost@example.com', name: 'Lost' }));
    expect(ended).toBe(1);
    expect(result).toMatchObject({ email: 'lost@example.com', name: 'Lost' });
    expect(await count(own.admin, "select count(*) as n from users where email = 'lost@example.com'")).toBe(1);
  });

  it('reads, replaces and removes the user, each repeated once on a fresh connection', async () => {
    const { id } = await users.create({ email: 'kept@example.com', name: 'Kept' });
    const read = await lostInFlight('select', () => users.get(id));
    expect([read.ended, read.result.name]).toEqual([1, 'Kept']);
    const replaced = await lostInFlight('update users', () => users.replace(id, { email: 'kept@example.com', name: 'Renamed' }));
    expect([replaced.ended, replaced.result.name]).toEqual([1, 'Renamed']);
    const removed = await lostInFlight('delete from users', () => users.remove(id));
    expect(removed.ended).toBe(1);
    expect(await rowsOf(id)).toBe(0);
  });
});

/**
 * The DocumentDB engine against a MongoDB-compatible server named by MONGODB_URI (DocumentDB through a
 * tunnel, or a MongoDB 5+): mongodb://user:password@host:port/?replicaSet=rs0&tls=true. Each run uses a
 * database of its own and drops it afterwards.
 */
const mongodbUri = process.env.MONGODB_URI;
if (mongodbUri) {
  usersRepositoryContract('MongoDB (the DocumentDB engine)', async () => {
    const url = new URL(mongodbUri);
    const secret = {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 27017),
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      dbname: `users_contract_${process.pid}_${Date.now()}`,
    };
    const store = new DocumentStore(
      fixedSecret(secret),
      loadDocumentDbConfig({
        DOCDB_REPLICA_SET: url.searchParams.get('replicaSet') ?? '',
        DOCDB_TLS: url.searchParams.get('tls') === 'true' ? 'verify' : 'off',
        DOCDB_SERVER_SELECTION_TIMEOUT_MS: '5000',
        DOCDB_BUDGET_MS: '10000',
      }),
    );
    await store.run((db) => applyIndexSteps(db));
    // A second run applies nothing: the steps are recorded, and each is idempotent.
    expect(await store.run((db) => applyIndexSteps(db))).toEqual([]);
    return {
      users: new DocumentDbUsersRepository(store),
      rows: () => store.run((db) => db.collection(usersCollection).countDocuments()),
      teardown: async () => {
        await store.run((db) => db.dropDatabase());
        await store.close();
      },
    };
  });
} else {
  console.warn(
    'UsersRepository contract: the MongoDB run (the DocumentDB engine) was skipped: MONGODB_URI names no server, and none can be installed on this machine. ' +
      'Set MONGODB_URI=mongodb://user:password@host:port/?replicaSet=rs0 to run it.',
  );
  describe.skip('UsersRepository contract: MongoDB (the DocumentDB engine), skipped: MONGODB_URI is not set', () => {
    it('runs the same contract', () => undefined);
  });
}
