import fs from 'node:fs';
import path from 'node:path';

export interface LocalDirLock {
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const ownerOf = (file: string) => {
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

/**
 * One local stack per `.local` folder at a time: a second `npm start` on the same folder refuses
 * and leaves the first one (and its database) serving. The lock names the owning process; a lock
 * whose process has gone (killed, crashed) is taken over.
 */
export function lockLocalDir(localDir: string): LocalDirLock {
  const file = path.join(localDir, 'running.pid');
  for (;;) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return {
        release: () => {
          if (fs.existsSync(file) && ownerOf(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = ownerOf(file);
    if (owner !== undefined && isAlive(owner)) {
      throw new Error(
        `Another local stack (pid ${owner}) is running on ${localDir} and keeps serving. Stop it first (Ctrl-C), ` +
          'or start this one on a folder of its own with LOCAL_STACK_DIR.',
      );
    }
    fs.rmSync(file, { force: true });
  }
}
