import { v7 as uuidv7 } from 'uuid';
import { ConflictError, NotFoundError } from '../errors';
import type { ListOptions, User, UserInput, UsersRepository } from '../users/model';
import { documentFailureKind, plainString } from './errors';
import type { DocumentStore } from './store';

/** A user as stored: the id is the document's `_id`; the email is stored normalised, under a unique index. */
export interface UserDocument {
  _id: string;
  email: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

export const usersCollection = 'users';

function toUser(document: UserDocument): User {
  return {
    id: document._id,
    email: document.email,
    name: document.name,
    createdAt: document.createdAt.toISOString(),
    updatedAt: document.updatedAt.toISOString(),
  };
}

const duplicateEmail = () => new ConflictError('A user with this email already exists');

/**
 * Users on DocumentDB (any MongoDB-compatible server). Every filter value is a string checked as
 * such, and documents are built from fixed keys: no client value becomes an operator or a key.
 */
export class DocumentDbUsersRepository implements UsersRepository {
  constructor(private readonly store: DocumentStore) {}

  async create(input: UserInput): Promise<User> {
    const now = new Date();
    const document: UserDocument = {
      _id: uuidv7(),
      email: plainString(input.email, 'email'),
      name: plainString(input.name, 'name'),
      createdAt: now,
      updatedAt: now,
    };
    // The id is chosen here, so a repeat after a lost reply finds the first attempt's document
    // (a duplicate `_id`) instead of adding a second one.
    return this.store.run(
      async (db) => {
        const users = db.collection<UserDocument>(usersCollection);
        try {
          await users.insertOne({ ...document });
          return toUser(document);
        } catch (error) {
          if (documentFailureKind(error) !== 'duplicate') throw error;
          const existing = await users.findOne({ _id: document._id });
          if (existing) return toUser(existing);
          throw duplicateEmail();
        }
      },
      { idempotent: true },
    );
  }

  async get(id: string): Promise<User> {
    // From the primary: a client reads the user it has just written (Location after a POST).
    const found = await this.store.run((db) => db.collection<UserDocument>(usersCollection).findOne({ _id: plainString(id, 'id') }), {
      idempotent: true,
    });
    if (!found) throw new NotFoundError('No user has this id');
    return toUser(found);
  }

  async list({ limit, after }: ListOptions): Promise<{ items: User[]; hasMore: boolean }> {
    const filter = after === undefined ? {} : { _id: { $gt: plainString(after, 'cursor') } };
    // A page may lag a replica by a moment; one extra document tells whether another page exists.
    const documents = await this.store.run(
      (db) =>
        db
          .collection<UserDocument>(usersCollection)
          .find(filter, { readPreference: 'secondaryPreferred' })
          .sort({ _id: 1 })
          .limit(limit + 1)
          .toArray(),
      { idempotent: true },
    );
    return { items: documents.slice(0, limit).map(toUser), hasMore: documents.length > limit };
  }

  async replace(id: string, input: UserInput): Promise<User> {
    const update = { $set: { email: plainString(input.email, 'email'), name: plainString(input.name, 'name'), updatedAt: new Date() } };
    const updated = await this.store
      .run(
        (db) =>
          db
            .collection<UserDocument>(usersCollection)
            .findOneAndUpdate({ _id: plainString(id, 'id') }, update, { returnDocument: 'after' }),
        // Setting the same values twice leaves the same document.
        { idempotent: true },
      )
      .catch((error: unknown) => {
        throw documentFailureKind(error) === 'duplicate' ? duplicateEmail() : error;
      });
    if (!updated) throw new NotFoundError('No user has this id');
    return toUser(updated);
  }

  async remove(id: string): Promise<void> {
    const { deletedCount, repeated } = await this.store.run(
      async (db, repeated) => ({
        deletedCount: (await db.collection<UserDocument>(usersCollection).deleteOne({ _id: plainString(id, 'id') })).deletedCount,
        repeated,
      }),
      { idempotent: true },
    );
    // A repeated delete that finds nothing most likely follows a first attempt that did delete.
    if (!deletedCount && !repeated) throw new NotFoundError('No user has this id');
  }
}
