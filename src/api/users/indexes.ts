import type { Db } from 'mongodb';
import type { IndexStep } from '../../lib/storage/engine';
import { usersStorage } from './model';

/** The users' DocumentDB schema steps, in order; a step's name is recorded once applied, so it never changes. */
export const usersIndexSteps: readonly IndexStep<Db>[] = Object.freeze([
  {
    name: '0001-users-email-unique',
    // The email is stored normalised (trimmed, lower-cased), so a plain unique index is case-insensitive.
    apply: (db: Db) => db.collection(usersStorage.table).createIndex({ email: 1 }, { unique: true, name: 'users_email_unique' }),
  },
]);
