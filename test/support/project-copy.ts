import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * A copy of the project as it stands (its files, tracked or new, not ignored) in a new temporary
 * folder, with this node_modules hard-linked file by file: packaging runs npm ls, which rejects a
 * linked node_modules. The caller removes it.
 */
export function copyProject(prefix: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && fs.existsSync(path.join(root, file)));
  for (const file of files) fs.cpSync(path.join(root, file), path.join(copy, file));
  const linked = spawnSync('cp', ['-al', path.join(root, 'node_modules'), path.join(copy, 'node_modules')]);
  if (linked.status !== 0) execFileSync('cp', ['-a', path.join(root, 'node_modules'), path.join(copy, 'node_modules')]);
  return copy;
}
