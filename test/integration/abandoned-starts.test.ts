import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

const root = path.resolve(__dirname, '../..');

/** The PIDs of the processes whose environment holds `marker`: everything a process started with it, and their children. */
function processesMarked(marker: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

const commandOf = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
};

/**
 * Hooks that time out half-way through a server's start leave nothing running, and jest exits by itself:
 * the processes are tracked from the moment they exist and the test environment stops them when the file
 * ends. Run in a jest of its own, whose every process carries a marker in its environment.
 */
describe('a test file that gives up on its servers half-way through their starts', () => {
  it('leaves no process behind, and jest exits by itself', async () => {
    const marker = `ABANDONED_STARTS=${randomUUID()}`;
    const child = spawn(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--config', 'test/fixtures/jest.config.js', '--ci', '--colors=false'],
      {
        cwd: root,
        env: { ...process.env, [marker.split('=')[0]!]: marker.split('=')[1] },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => {
      // Far longer than the file needs: a jest kept alive by a server it left is killed here, and fails the test.
      const timer = setTimeout(() => {
        for (const pid of processesMarked(marker)) process.kill(pid, 'SIGKILL');
        resolve(null);
      }, 50_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    // A server told to stop as jest ended (postgres, by the local stack sls offline ran) may take a moment to exit.
    const deadline = Date.now() + 15_000;
    while (processesMarked(marker).length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    const left = processesMarked(marker).map((pid) => `${pid} ${commandOf(pid)}`);
    expect({ exitCode, left }).toEqual({ exitCode: 1, left: [] });
    // Each hook did give up half-way (three failed hooks), and the environment stopped what they had started.
    expect(output.match(/Exceeded timeout of \d+ ms for a hook/g)).toHaveLength(3);
    expect(output).toMatch(/stopped \d+ process\(es\) the test file left running/);
  }, 60_000);
});
