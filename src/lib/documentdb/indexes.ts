import type { Db } from 'mongodb';
import type { IndexStep } from '../storage/engine';

/**
 * Applies the resources' index steps in order, each once, recording it by name in `migrations`
 * (the same deploy step as the PostgreSQL migrations). Each step must be idempotent: creating an
 * index that exists with the same options changes nothing. Returns the steps applied.
 */
export async function applyIndexSteps(
  db: Db,
  steps: readonly IndexStep<Db>[],
  log: (message: string) => void = () => undefined,
): Promise<string[]> {
  const names = steps.map((step) => step.name);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length) throw new Error(`Index steps must have names of their own: ${[...new Set(repeated)].join(', ')} is used twice`);
  const record = db.collection<{ _id: string; appliedAt: Date }>('migrations');
  const done = new Set((await record.find({}).toArray()).map((step) => step._id));
  const applied: string[] = [];
  for (const step of steps) {
    if (done.has(step.name)) continue;
    await step.apply(db);
    await record.updateOne({ _id: step.name }, { $setOnInsert: { appliedAt: new Date() } }, { upsert: true });
    log(`applied ${step.name}`);
    applied.push(step.name);
  }
  return applied;
}
