import { ContainerPools, Database, defaultRetryPolicy } from '../../src/lib/db/database';
import { fixedSecret } from '../../src/lib/storage/secret';
import { contactsStorage, type ContactInput } from '../fixtures/api/test-contacts/model';
import { PostgresTable } from '../../src/lib/db/table';
import { count, startTestDatabase, type TestDatabase } from '../support/postgres';

/** A resource's table (the users', as an example) when the connection is lost with a statement in flight. */
describe('a PostgreSQL table, when the connection is lost with its statement in flight', () => {
  let own: TestDatabase;
  let pools: ContainerPools;
  let users: PostgresTable<ContactInput>;

  beforeAll(async () => {
    own = await startTestDatabase();
    pools = new ContainerPools();
    const options = { poolMax: 1, connectTimeoutMs: 2000, queryTimeoutMs: 5000, budgetMs: 8000, ssl: 'off' } as const;
    users = new PostgresTable(new Database(fixedSecret(own.secret), options, defaultRetryPolicy, pools), contactsStorage);
  });
  afterAll(async () => {
    await pools.end();
    await own?.stop();
  });

  /**
   * Runs `operation` while the contacts table is locked, ends the backend whose statement (starting
   * with `statementStart`) waits for the lock, then releases the table: the statement was sent,
   * and its outcome is unknown to the client. Resolves with how many backends it ended and the
   * operation's result.
   */
  async function lostInFlight<T>(statementStart: string, operation: () => Promise<T>) {
    await own.admin.query('begin');
    await own.admin.query('lock table test_contacts in access exclusive mode');
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

  const rowsOf = (id: string) => count(own.admin, 'select count(*) as n from test_contacts where id = $1', [id]);

  it('creates the contact once, repeating the insert on a fresh connection', async () => {
    const { ended, result } = await lostInFlight('with inserted', () => users.create({ email: 'lost@example.com', name: 'Lost' }));
    expect(ended).toBe(1);
    expect(result).toMatchObject({ email: 'lost@example.com', name: 'Lost' });
    expect(await count(own.admin, "select count(*) as n from test_contacts where email = 'lost@example.com'")).toBe(1);
  });

  it('reads, replaces and removes the contact, each repeated once on a fresh connection', async () => {
    const { id } = await users.create({ email: 'kept@example.com', name: 'Kept' });
    const read = await lostInFlight('select', () => users.get(id));
    expect([read.ended, read.result.name]).toEqual([1, 'Kept']);
    const replaced = await lostInFlight('update test_contacts', () => users.replace(id, { email: 'kept@example.com', name: 'Renamed' }));
    expect([replaced.ended, replaced.result.name]).toEqual([1, 'Renamed']);
    const removed = await lostInFlight('delete from test_contacts', () => users.remove(id));
    expect(removed.ended).toBe(1);
    expect(await rowsOf(id)).toBe(0);
  });
});
