import fs from 'node:fs';
import path from 'node:path';
import { relocatedHome } from './embedded-cluster';
import { lockLocalDir } from './local-dir-lock';
import { copiedBinariesDir } from './postgres-server';

/**
 * Everything the local stage made for the `.local` folder at `localDir`, inside and outside the
 * clone: the folder itself (credentials, secrets, data), the data relocated under /var/tmp for
 * the `postgres` user, and this installation's copy of the PostgreSQL binaries.
 */
export function localStageFootprint(localDir: string): string[] {
  return [path.resolve(localDir), relocatedHome(localDir), copiedBinariesDir()];
}

/** Removes the footprint (or the part of it given); refuses while a local stack runs on the folder. Returns what it removed. */
export function cleanLocalStage(localDir: string, footprint = localStageFootprint(localDir)): string[] {
  if (fs.existsSync(localDir)) lockLocalDir(localDir).release();
  const removed = footprint.filter((target) => fs.existsSync(target));
  for (const target of removed) fs.rmSync(target, { recursive: true, force: true });
  return removed;
}
