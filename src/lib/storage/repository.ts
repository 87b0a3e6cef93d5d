/** What every stored item has: a time-ordered UUID (v7) chosen by the service, and when it was made and last replaced. */
export interface StoredItem {
  id: string;
  createdAt: string;
  updatedAt: string;
}

export interface ListOptions {
  limit: number;
  /** The id of the last item of the previous page. */
  after?: string;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

/**
 * Storage of one resource's items. Each resource's engines implement it and pass the same
 * contract tests; writes are safe to repeat (the id is chosen before the first attempt).
 */
export interface Repository<T extends { id: string }, Input> {
  create(input: Input): Promise<T>;
  /** @throws NotFoundError */
  get(id: string): Promise<T>;
  /** Items in a stable order (by id, which is time-ordered), `limit` at a time. */
  list(options: ListOptions): Promise<{ items: T[]; hasMore: boolean }>;
  /** @throws NotFoundError, ConflictError */
  replace(id: string, input: Input): Promise<T>;
  /** @throws NotFoundError */
  remove(id: string): Promise<void>;
}

/**
 * How a resource's items are stored, the same on every engine: the PostgreSQL table and the
 * DocumentDB collection of one name, the input's fields each in a column (snake_case) or a field
 * of its own, and what a client is told when an item is missing or a unique index refuses a write.
 */
export interface StorageLayout<Input> {
  table: string;
  fields: readonly (keyof Input & string)[];
  notFound: string;
  conflict: string;
}

/** The fields a resource stores: every field of its input schema, so that one added to the model is stored. */
export function storedFields<Input>(input: { shape: Record<keyof Input & string, unknown> }): (keyof Input & string)[] {
  return Object.keys(input.shape) as (keyof Input & string)[];
}

/** Names that reach a statement or a document as they are: lower-case words joined by underscores, or camelCase fields. */
export function checkLayout({ table, fields }: { table: string; fields: readonly string[] }): void {
  const bad = [table, ...fields].filter((name) => !/^[a-z][a-zA-Z0-9_]*$/.test(name));
  if (bad.length) throw new Error(`Storage names must be plain identifiers: ${bad.join(', ')}`);
  if (/[A-Z]/.test(table)) throw new Error(`A table's name is lower-case: ${table}`);
}
