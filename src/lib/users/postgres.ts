import { v7 as uuidv7 } from 'uuid';
import { ConflictError, NotFoundError } from '../errors';
import type { Database } from '../db/database';
import { sqlState } from '../db/errors';
import type { ListOptions, User, UserInput, UsersRepository } from './model';

interface UserRow {
  id: string;
  email: string;
  name: string;
  created_at: Date;
  updated_at: Date;
}

const columns = 'id, email, name, created_at, updated_at';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function conflictOnDuplicateEmail(error: unknown): never {
  if (sqlState(error) === '23505') throw new ConflictError('A user with this email already exists');
  throw error;
}

/** Users on PostgreSQL (Aurora PostgreSQL in AWS). Every value reaches SQL as a parameter. */
export class PostgresUsersRepository implements UsersRepository {
  constructor(private readonly db: Database) {}

  async create(input: UserInput): Promise<User> {
    // The id is chosen here, so the insert is idempotent: if a lost connection hid the outcome of
    // a first attempt, the retry finds that row instead of adding a second one.
    const { rows } = await this.db
      .query<UserRow>(
        `with inserted as (
           insert into users (id, email, name) values ($1, $2, $3) on conflict (id) do nothing returning ${columns}
         )
         select ${columns} from inserted
         union all
         select ${columns} from users where id = $1 and not exists (select 1 from inserted)`,
        [uuidv7(), input.email, input.name],
        { idempotent: true },
      )
      .catch(conflictOnDuplicateEmail);
    return toUser(rows[0]!);
  }

  async get(id: string): Promise<User> {
    const { rows } = await this.db.query<UserRow>(`select ${columns} from users where id = $1`, [id], { idempotent: true });
    if (!rows[0]) throw new NotFoundError('No user has this id');
    return toUser(rows[0]);
  }

  async list({ limit, after }: ListOptions): Promise<{ items: User[]; hasMore: boolean }> {
    // One extra row tells whether another page exists without a count query.
    const { rows } = after
      ? await this.db.query<UserRow>(`select ${columns} from users where id > $1 order by id limit $2`, [after, limit + 1], {
          idempotent: true,
        })
      : await this.db.query<UserRow>(`select ${columns} from users order by id limit $1`, [limit + 1], { idempotent: true });
    return { items: rows.slice(0, limit).map(toUser), hasMore: rows.length > limit };
  }

  async replace(id: string, input: UserInput): Promise<User> {
    const { rows } = await this.db
      .query<UserRow>(
        `update users set email = $2, name = $3, updated_at = now() where id = $1 returning ${columns}`,
        [id, input.email, input.name],
        // Setting the same values twice leaves the same row.
        { idempotent: true },
      )
      .catch(conflictOnDuplicateEmail);
    if (!rows[0]) throw new NotFoundError('No user has this id');
    return toUser(rows[0]);
  }

  async remove(id: string): Promise<void> {
    const { rowCount, repeated } = await this.db.query('delete from users where id = $1', [id], { idempotent: true });
    // A repeated delete that finds nothing most likely follows a first attempt that did delete.
    if (!rowCount && !repeated) throw new NotFoundError('No user has this id');
  }
}
