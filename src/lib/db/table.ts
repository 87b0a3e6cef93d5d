import { v7 as uuidv7 } from 'uuid';
import { ConflictError, NotFoundError } from '../errors';
import { checkLayout, type ListOptions, type Repository, type StorageLayout, type StoredItem } from '../storage/repository';
import type { Database } from './database';
import { sqlState } from './errors';

type Row = Record<string, unknown> & { id: string; created_at: Date; updated_at: Date };

const snakeCase = (field: string) => field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * A resource's items on PostgreSQL (Aurora PostgreSQL in AWS): one table with `id`, a column per
 * field and `created_at`/`updated_at`, made by the resource's migration. Every value reaches SQL
 * as a parameter; the names come from the resource's layout, checked when the adapter is made.
 */
export class PostgresTable<Input extends object> implements Repository<Input & StoredItem, Input> {
  private readonly columns: string;
  private readonly fieldColumns: string[];

  constructor(
    private readonly db: Database,
    private readonly layout: StorageLayout<Input>,
  ) {
    checkLayout(layout);
    this.fieldColumns = layout.fields.map(snakeCase);
    this.columns = ['id', ...this.fieldColumns, 'created_at', 'updated_at'].join(', ');
  }

  private toItem(row: Row): Input & StoredItem {
    const fields = Object.fromEntries(this.layout.fields.map((field, index) => [field, row[this.fieldColumns[index]!]]));
    return { id: row.id, ...fields, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() } as Input &
      StoredItem;
  }

  private values(input: Input): unknown[] {
    return this.layout.fields.map((field) => input[field]);
  }

  private conflictOnUniqueViolation = (error: unknown): never => {
    if (sqlState(error) === '23505') throw new ConflictError(this.layout.conflict);
    throw error;
  };

  async create(input: Input): Promise<Input & StoredItem> {
    const { table } = this.layout;
    const placeholders = this.fieldColumns.map((_column, index) => `$${index + 2}`).join(', ');
    // The id is chosen here, so the insert is idempotent: if a lost connection hid the outcome of
    // a first attempt, the retry finds that row instead of adding a second one.
    const { rows } = await this.db
      .query<Row>(
        `with inserted as (
           insert into ${table} (id, ${this.fieldColumns.join(', ')}) values ($1, ${placeholders}) on conflict (id) do nothing returning ${this.columns}
         )
         select ${this.columns} from inserted
         union all
         select ${this.columns} from ${table} where id = $1 and not exists (select 1 from inserted)`,
        [uuidv7(), ...this.values(input)],
        { idempotent: true },
      )
      .catch(this.conflictOnUniqueViolation);
    return this.toItem(rows[0]!);
  }

  async get(id: string): Promise<Input & StoredItem> {
    const { rows } = await this.db.query<Row>(`select ${this.columns} from ${this.layout.table} where id = $1`, [id], { idempotent: true });
    if (!rows[0]) throw new NotFoundError(this.layout.notFound);
    return this.toItem(rows[0]);
  }

  async list({ limit, after }: ListOptions): Promise<{ items: (Input & StoredItem)[]; hasMore: boolean }> {
    const { table } = this.layout;
    // One extra row tells whether another page exists without a count query.
    const { rows } = after
      ? await this.db.query<Row>(`select ${this.columns} from ${table} where id > $1 order by id limit $2`, [after, limit + 1], {
          idempotent: true,
        })
      : await this.db.query<Row>(`select ${this.columns} from ${table} order by id limit $1`, [limit + 1], { idempotent: true });
    return { items: rows.slice(0, limit).map((row) => this.toItem(row)), hasMore: rows.length > limit };
  }

  async replace(id: string, input: Input): Promise<Input & StoredItem> {
    const assignments = this.fieldColumns.map((column, index) => `${column} = $${index + 2}`).join(', ');
    const { rows } = await this.db
      .query<Row>(
        `update ${this.layout.table} set ${assignments}, updated_at = now() where id = $1 returning ${this.columns}`,
        [id, ...this.values(input)],
        // Setting the same values twice leaves the same row.
        { idempotent: true },
      )
      .catch(this.conflictOnUniqueViolation);
    if (!rows[0]) throw new NotFoundError(this.layout.notFound);
    return this.toItem(rows[0]);
  }

  async remove(id: string): Promise<void> {
    const { rowCount, repeated } = await this.db.query(`delete from ${this.layout.table} where id = $1`, [id], { idempotent: true });
    // A repeated delete that finds nothing most likely follows a first attempt that did delete.
    if (!rowCount && !repeated) throw new NotFoundError(this.layout.notFound);
  }
}
