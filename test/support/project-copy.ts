import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ignore from 'ignore';

const root = path.resolve(__dirname, '../..');

/** Whether `dir` is a git checkout (a clone), rather than a copy of its files (an unpacked archive). */
const isCheckout = (dir: string) => fs.existsSync(path.join(dir, '.git'));

/** The files of the project at `dir` as git lists them: tracked, or new and not ignored. */
export function filesListedByGit(dir: string): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: dir, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && fs.existsSync(path.join(dir, file)));
}

/**
 * The files under `dir` that its .gitignore files do not exclude (each applies to its own folder, as git
 * reads them): what git would list in a copy that is not a checkout.
 */
export function filesNotIgnored(dir: string): string[] {
  type Rules = { folder: string; rules: ReturnType<typeof ignore> };
  const ignored = (rulesInForce: Rules[], file: string) =>
    rulesInForce.some(({ folder, rules }) => rules.ignores(path.posix.relative(folder, file)));
  const walk = (folder: string, inherited: Rules[]): string[] => {
    const gitignore = path.join(dir, folder, '.gitignore');
    const rulesInForce = fs.existsSync(gitignore)
      ? [...inherited, { folder, rules: ignore().add(fs.readFileSync(gitignore, 'utf8')) }]
      : inherited;
    return fs.readdirSync(path.join(dir, folder), { withFileTypes: true }).flatMap((entry) => {
      const file = path.posix.join(folder, entry.name);
      if (entry.isDirectory()) return entry.name === '.git' || ignored(rulesInForce, `${file}/`) ? [] : walk(file, rulesInForce);
      return ignored(rulesInForce, file) ? [] : [file];
    });
  };
  return walk('', []);
}

/** The project's files (tracked or new, not ignored), in a clone or in a copy that is not one. */
export const projectFiles = (dir = root): string[] => (isCheckout(dir) ? filesListedByGit(dir) : filesNotIgnored(dir));

/**
 * A copy of the project as it stands (its files, tracked or new, not ignored) in a new temporary
 * folder, with this node_modules hard-linked file by file: packaging runs npm ls, which rejects a
 * linked node_modules. The caller removes it.
 */
export function copyProject(prefix: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const file of projectFiles()) fs.cpSync(path.join(root, file), path.join(copy, file));
  const linked = spawnSync('cp', ['-al', path.join(root, 'node_modules'), path.join(copy, 'node_modules')]);
  if (linked.status !== 0) execFileSync('cp', ['-a', path.join(root, 'node_modules'), path.join(copy, 'node_modules')]);
  return copy;
}
