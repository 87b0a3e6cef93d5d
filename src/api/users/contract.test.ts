import { describeResourceContract } from '../../../test/support/resource-contract';
import { ConflictError } from '../../lib/errors';
import { usersStorage } from './model';
import { users } from './resource';

/** The users' contract on each engine: every resource's, then a unique email and hostile text kept as data. */
describeResourceContract(
  users,
  usersStorage,
  (n) => ({ email: `user${n}@example.com`, name: `User ${n}` }),
  ({ repository, stored }) => {
    it('refuses a second user with an email that is taken, on create and on replace', async () => {
      await repository().create({ email: 'linus@example.com', name: 'Linus' });
      const other = await repository().create({ email: 'other@example.com', name: 'Other' });
      const before = await stored();
      await expect(repository().create({ email: 'linus@example.com', name: 'Twin' })).rejects.toBeInstanceOf(ConflictError);
      expect(await stored()).toBe(before);
      await expect(repository().replace(other.id, { email: 'linus@example.com', name: 'X' })).rejects.toBeInstanceOf(ConflictError);
      expect((await repository().get(other.id)).email).toBe('other@example.com');
    });

    it('stores hostile text as data, never as a statement or an operator', async () => {
      const name = "Robert'); drop table users; --";
      const user = await repository().create({ email: 'bobby@example.com', name });
      expect((await repository().get(user.id)).name).toBe(name);
      const operator = await repository().create({ email: 'op@example.com', name: '{"$gt": ""}' });
      expect((await repository().get(operator.id)).name).toBe('{"$gt": ""}');
    });
  },
);
