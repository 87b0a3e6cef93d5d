/**
 * Removes what the local stage made: `.local` (or LOCAL_STACK_DIR), the data relocated
 * under /var/tmp for the `postgres` user, and the copy of the PostgreSQL binaries.
 * Usage: npm run clean. Refuses while `npm start` runs on the folder.
 */
import path from 'node:path';
import { cleanLocalStage, localStageFootprint } from '../src/local/clean';

const localDir = path.resolve(__dirname, '..', process.env.LOCAL_STACK_DIR || '.local');
try {
  const removed = cleanLocalStage(localDir);
  for (const target of localStageFootprint(localDir)) console.log(`${removed.includes(target) ? 'removed' : 'absent '}  ${target}`);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
