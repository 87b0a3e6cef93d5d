import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { filesListedByGit, filesNotIgnored, projectFiles } from '../support/project-copy';

const root = path.resolve(__dirname, '../..');

/**
 * The tests that copy the project (the template, own-service and README tests) list its files with git in a
 * clone and by its .gitignore in a copy that is not one (an unpacked archive of the repository): both lists
 * must be the same.
 */
describe("the project's files, in a clone and in a copy without .git", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-project-files-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("are this project's own files, listed the same both ways", () => {
    const listed = filesNotIgnored(root).sort();
    expect(listed).toEqual(expect.arrayContaining(['package.json', 'serverless.yml', '.ci/run', 'src/api/resources.ts']));
    expect(listed.filter((file) => /^(node_modules|\.git|\.serverless|\.local)\//.test(file))).toEqual([]);
    if (fs.existsSync(path.join(root, '.git'))) expect(listed).toEqual(filesListedByGit(root).sort());
  });

  it('in a copy without .git, leave out what .gitignore names, as git does', () => {
    const write = (file: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), file);
    };
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n.local/\n*.log\n/openapi.json\nclient/api.d.ts\n');
    for (const file of [
      'src/a.ts',
      'client/orders.ts',
      'client/api.d.ts',
      'node_modules/x/index.js',
      '.local/pgdata/PG_VERSION',
      'npm.log',
    ])
      write(file);
    for (const file of ['openapi.json', 'docs/openapi.json', '.husky/pre-commit', '.husky/_/h', 'docs/notes.md']) write(file);
    // A folder's own .gitignore applies within it (husky writes one that ignores its folder).
    fs.writeFileSync(path.join(dir, '.husky/_/.gitignore'), '*\n');
    fs.writeFileSync(path.join(dir, 'docs/.gitignore'), 'notes.md\n');
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const byGit = filesListedByGit(dir).sort();
    expect(byGit).toEqual(['.gitignore', '.husky/pre-commit', 'client/orders.ts', 'docs/.gitignore', 'docs/openapi.json', 'src/a.ts']);
    fs.rmSync(path.join(dir, '.git'), { recursive: true });
    expect(projectFiles(dir).sort()).toEqual(byGit);
  });
});
