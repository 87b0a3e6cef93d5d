import { ContainerPools, Database, defaultRetryPolicy } from '../../src/lib/db/database';
import { PostgresTable } from '../../src/lib/db/table';
import { DocumentCollection } from '../../src/lib/documentdb/collection';
import { loadDocumentDbConfig } from '../../src/lib/documentdb/config';
import { applyIndexSteps } from '../../src/lib/documentdb/indexes';
import { DocumentStore } from '../../src/lib/documentdb/store';
import { NotFoundError } from '../../src/lib/errors';
import { listPage } from '../../src/lib/resource/pagination';
import type { Resource } from '../../src/lib/resource/resource';
import type { Repository, StorageLayout, StoredItem } from '../../src/lib/storage/repository';
import { fixedSecret } from '../../src/lib/storage/secret';
import { describeWithDocumentDb, startTestDocumentDb, type TestDocumentDb } from './documentdb';
import { count, startTestDatabase, type TestDatabase } from './postgres';

export interface ContractContext<Input> {
  /** The resource's repository on the engine under test. */
  repository(): Repository<Input & StoredItem, Input>;
  /** The items stored, counted by the engine itself rather than through the repository. */
  stored(): Promise<number>;
}

const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** What every resource's repository does, on any engine. `sample(n)` is the nth of many distinct valid inputs. */
function crudContract<Input extends object>({ repository, stored }: ContractContext<Input>, sample: (n: number) => Input) {
  let next = 0;
  const fresh = () => sample((next += 1));

  it('creates an item with a server-chosen UUID (v7) and timestamps, and reads it back', async () => {
    const before = await stored();
    const input = fresh();
    const item = await repository().create(input);
    expect(item.id).toMatch(uuidV7);
    expect(item).toMatchObject(input);
    expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
    expect(item.updatedAt).toBe(item.createdAt);
    expect(await stored()).toBe(before + 1);
    expect(await repository().get(item.id)).toEqual(item);
  });

  it('replaces the fields, moves updatedAt and keeps createdAt', async () => {
    const item = await repository().create(fresh());
    // Timestamps are read in milliseconds: let one pass, so that a replace that kept updatedAt would show.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const input = fresh();
    const replaced = await repository().replace(item.id, input);
    expect(replaced).toMatchObject({ ...input, id: item.id, createdAt: item.createdAt });
    expect(Date.parse(replaced.updatedAt)).toBeGreaterThan(Date.parse(item.updatedAt));
    expect(await repository().get(item.id)).toEqual(replaced);
  });

  it('removes an item once; a second removal, a read and a replace are then not found', async () => {
    const item = await repository().create(fresh());
    const before = await stored();
    await repository().remove(item.id);
    expect(await stored()).toBe(before - 1);
    await expect(repository().remove(item.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repository().get(item.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(repository().replace(item.id, fresh())).rejects.toBeInstanceOf(NotFoundError);
  });

  it('pages through every item exactly once, in a stable order', async () => {
    for (let i = 0; i < 23; i += 1) await repository().create(fresh());
    const total = await stored();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listPage(repository(), 5, cursor);
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.next ?? undefined;
      pages += 1;
    } while (cursor);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort()).toEqual(seen);
    expect(pages).toBe(Math.ceil(total / 5));
    const whole = await listPage(repository(), 100);
    expect(whole.next).toBeNull();
    expect(whole.items).toHaveLength(total);
  });
}

/**
 * A resource's contract, the same on every engine: what every resource's repository does, then
 * `own` (the resource's own rules: its unique fields, say). PostgreSQL with the migrations applied;
 * DocumentDB (the local MongoDB-protocol server) with the resource's index steps, where it can be had.
 * One server of each engine for the file.
 */
export function describeResourceContract<Input extends object>(
  resource: Resource,
  layout: StorageLayout<Input>,
  sample: (n: number) => Input,
  own: (context: ContractContext<Input>) => void = () => undefined,
) {
  describe(`${resource.name} on PostgreSQL`, () => {
    let database: TestDatabase;
    let pools: ContainerPools;
    let repository: PostgresTable<Input>;
    beforeAll(async () => {
      database = await startTestDatabase();
      pools = new ContainerPools();
      const options = { poolMax: 1, connectTimeoutMs: 2000, queryTimeoutMs: 2500, budgetMs: 2800, ssl: 'off' } as const;
      repository = new PostgresTable(new Database(fixedSecret(database.secret), options, defaultRetryPolicy, pools), layout);
    });
    afterAll(async () => {
      await pools?.end();
      await database?.stop();
    });
    const context = { repository: () => repository, stored: () => count(database.admin, `select count(*) as n from ${layout.table}`) };
    crudContract(context, sample);
    own(context);
  });

  describeWithDocumentDb(`${resource.name} on DocumentDB`, () => {
    let docdb: TestDocumentDb;
    let store: DocumentStore;
    let repository: DocumentCollection<Input>;
    beforeAll(async () => {
      docdb = await startTestDocumentDb();
      store = new DocumentStore(fixedSecret(docdb.secret), loadDocumentDbConfig(docdb.env));
      await store.run((db) => applyIndexSteps(db, resource.indexSteps));
      repository = new DocumentCollection(store, layout);
    });
    afterAll(async () => {
      await store?.close();
      await docdb?.stop();
    });
    const context = {
      repository: () => repository,
      stored: () => store.run((db) => db.collection(layout.table).countDocuments(), { idempotent: true }),
    };
    crudContract(context, sample);
    own(context);
  });
}
