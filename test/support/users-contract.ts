import { ConflictError, NotFoundError } from '../../src/lib/errors';
import type { UsersRepository } from '../../src/lib/users/model';
import { listUsers } from '../../src/lib/users/pagination';

/**
 * The contract every UsersRepository engine must pass, unchanged: PostgreSQL (users-contract.test.ts) and DocumentDB
 * (documentdb.test.ts).
 */
export function usersRepositoryContract(
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
