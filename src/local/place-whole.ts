import fs from 'node:fs';
import path from 'node:path';

/**
 * Makes the folder `target` by `build`, run on a staging folder beside it, then moves it in whole:
 * processes that need the same folder at once (parallel test workers, two mutation runners) never
 * see half of it. When another process moved its copy in first, that copy is kept. The staging
 * folder is removed whatever happens.
 */
export function placeWhole(target: string, build: (staging: string) => void): void {
  const staging = `${target}.${process.pid}`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    build(staging);
    try {
      fs.renameSync(staging, target);
    } catch (error) {
      // A rename onto a folder that is there and not empty fails: another process was first.
      if (!fs.existsSync(target)) throw error;
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
