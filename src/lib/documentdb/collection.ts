import { v7 as uuidv7 } from 'uuid';
import { ConflictError, NotFoundError } from '../errors';
import { checkLayout, type ListOptions, type Repository, type StorageLayout, type StoredItem } from '../storage/repository';
import { documentFailureKind, plainString } from './errors';
import type { DocumentStore } from './store';

/** An item as stored: the id is the document's `_id`, the timestamps are dates. */
type StoredDocument = Record<string, unknown> & { _id: string; createdAt: Date; updatedAt: Date };

/** A field's value as it reaches a document: a string, number, boolean or null, never an object that could be read as an operator. */
function plainValue(value: unknown, field: string): unknown {
  if (value !== null && typeof value === 'object') throw new TypeError(`${field} must be a plain value to be stored`);
  return value;
}

/**
 * A resource's items on DocumentDB (any MongoDB-compatible server): one collection, a field per
 * input field. Every filter value is a string checked as such, and documents are built from the
 * layout's fixed keys: no client value becomes an operator or a key.
 */
export class DocumentCollection<Input extends object> implements Repository<Input & StoredItem, Input> {
  constructor(
    private readonly store: DocumentStore,
    private readonly layout: StorageLayout<Input>,
  ) {
    checkLayout(layout);
  }

  private toItem(document: StoredDocument): Input & StoredItem {
    const fields = Object.fromEntries(this.layout.fields.map((field) => [field, document[field]]));
    return {
      id: document._id,
      ...fields,
      createdAt: document.createdAt.toISOString(),
      updatedAt: document.updatedAt.toISOString(),
    } as Input & StoredItem;
  }

  private fieldsOf(input: Input): Record<string, unknown> {
    return Object.fromEntries(this.layout.fields.map((field) => [field, plainValue(input[field], field)]));
  }

  private conflictOnDuplicate = (error: unknown): never => {
    throw documentFailureKind(error) === 'duplicate' ? new ConflictError(this.layout.conflict) : error;
  };

  async create(input: Input): Promise<Input & StoredItem> {
    const now = new Date();
    const document: StoredDocument = { _id: uuidv7(), ...this.fieldsOf(input), createdAt: now, updatedAt: now };
    // The id is chosen here, so a repeat after a lost reply finds the first attempt's document
    // (a duplicate `_id`) instead of adding a second one.
    return this.store.run(
      async (db) => {
        const items = db.collection<StoredDocument>(this.layout.table);
        try {
          await items.insertOne({ ...document });
          return this.toItem(document);
        } catch (error) {
          if (documentFailureKind(error) !== 'duplicate') throw error;
          const existing = await items.findOne({ _id: document._id });
          if (existing) return this.toItem(existing);
          throw new ConflictError(this.layout.conflict);
        }
      },
      { idempotent: true },
    );
  }

  async get(id: string): Promise<Input & StoredItem> {
    // From the primary: a client reads the item it has just written (Location after a POST).
    const found = await this.store.run((db) => db.collection<StoredDocument>(this.layout.table).findOne({ _id: plainString(id, 'id') }), {
      idempotent: true,
    });
    if (!found) throw new NotFoundError(this.layout.notFound);
    return this.toItem(found);
  }

  async list({ limit, after }: ListOptions): Promise<{ items: (Input & StoredItem)[]; hasMore: boolean }> {
    const filter = after === undefined ? {} : { _id: { $gt: plainString(after, 'cursor') } };
    // A page may lag a replica by a moment; one extra document tells whether another page exists.
    const documents = await this.store.run(
      (db) =>
        db
          .collection<StoredDocument>(this.layout.table)
          .find(filter, { readPreference: 'secondaryPreferred' })
          .sort({ _id: 1 })
          .limit(limit + 1)
          .toArray(),
      { idempotent: true },
    );
    return { items: documents.slice(0, limit).map((document) => this.toItem(document)), hasMore: documents.length > limit };
  }

  async replace(id: string, input: Input): Promise<Input & StoredItem> {
    const update = { $set: { ...this.fieldsOf(input), updatedAt: new Date() } };
    const updated = await this.store
      .run(
        (db) =>
          db
            .collection<StoredDocument>(this.layout.table)
            .findOneAndUpdate({ _id: plainString(id, 'id') }, update, { returnDocument: 'after' }),
        // Setting the same values twice leaves the same document.
        { idempotent: true },
      )
      .catch(this.conflictOnDuplicate);
    if (!updated) throw new NotFoundError(this.layout.notFound);
    return this.toItem(updated);
  }

  async remove(id: string): Promise<void> {
    const { deletedCount, repeated } = await this.store.run(
      async (db, repeated) => ({
        deletedCount: (await db.collection<StoredDocument>(this.layout.table).deleteOne({ _id: plainString(id, 'id') })).deletedCount,
        repeated,
      }),
      { idempotent: true },
    );
    // A repeated delete that finds nothing most likely follows a first attempt that did delete.
    if (!deletedCount && !repeated) throw new NotFoundError(this.layout.notFound);
  }
}
