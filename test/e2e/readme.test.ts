import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { copyProject } from '../support/project-copy';

const root = path.resolve(__dirname, '../..');

/** The README's shell blocks marked runnable (```bash runnable), in order. */
const runnable = [...fs.readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/^```(?:bash|sh) runnable\n([\s\S]*?)^```/gm)].map(
  (match) => match[1]!,
);

describe("the README's runnable blocks", () => {
  let copy: string;
  beforeAll(() => {
    copy = copyProject('api-readme-');
  });
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('has some', () => {
    expect(runnable.length).toBeGreaterThan(0);
  });

  it.each(runnable.map((block, index) => [index + 1, block]))(
    'block %i works as written, in a copy of the project',
    async (_index, block) => {
      await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', block], {
        cwd: copy,
        env: { ...process.env, CI: 'true' },
        maxBuffer: 16 * 2 ** 20,
      });
    },
  );
});
