import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The user PostgreSQL runs as when this process is root. */
export interface RunAs {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user, created if missing. */
export function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    try {
      return {
        uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
        gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
      };
    } catch {
      return undefined;
    }
  };
  const found = lookup();
  if (found) return found;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
  return lookup();
}

export function canAccess(target: string, as: RunAs, mode: 'x' | 'w'): boolean {
  return spawnSync('test', [`-${mode}`, target], { uid: as.uid, gid: as.gid }).status === 0;
}

export const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

/** The folder `/var/tmp/<name>`: it survives reboots, and the `postgres` user can enter it. */
export function sharedFolderPath(name: string): string {
  return path.join('/var/tmp', name);
}

export function sharedFolder(name: string): string {
  const folder = sharedFolderPath(name);
  fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
  fs.chmodSync(folder, 0o755);
  return folder;
}
