import type { Db } from 'mongodb';
import { usersCollection } from './users';

/**
 * The versioned schema steps of the DocumentDB engine, applied in order by `migrate` (the same
 * deploy step as the PostgreSQL migrations) and recorded in `migrations`. Each step is
 * idempotent: creating an index that exists with the same options changes nothing.
 */
export const indexSteps: readonly { name: string; apply(db: Db): Promise<unknown> }[] = Object.freeze([
  {
    name: '0001-users-email-unique',
    // The email is stored normalised (trimmed, lower-cased), so a plain unique index is case-insensitive.
    apply: (db: Db) => db.collection(usersCollection).createIndex({ email: 1 }, { unique: true, name: 'users_email_unique' }),
  },
]);

export async function applyIndexSteps(db: Db, log: (message: string) => void = () => undefined): Promise<string[]> {
  const record = db.collection<{ _id: string; appliedAt: Date }>('migrations');
  const done = new Set((await record.find({}).toArray()).map((step) => step._id));
  const applied: string[] = [];
  for (const step of indexSteps) {
    if (done.has(step.name)) continue;
    await step.apply(db);
    await record.updateOne({ _id: step.name }, { $setOnInsert: { appliedAt: new Date() } }, { upsert: true });
    log(`applied ${step.name}`);
    applied.push(step.name);
  }
  return applied;
}
