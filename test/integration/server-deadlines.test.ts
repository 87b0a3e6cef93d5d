import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/local/local-stack';
import { PostgresServer } from '../../src/local/postgres-server';

/**
 * A hook that starts a server and truly hangs fails with the server's own deadline, which names it, before the
 * layer's limit (jest.config.js) would fail it with jest's message, which names nothing.
 */
/** The PIDs of the processes whose command line names `text`. */
function processesNaming(text: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("a server start's deadline", () => {
  it('names the server it waited for, and leaves no process behind', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-deadline-'));
    fs.chmodSync(dir, 0o755);
    try {
      const start = PostgresServer.start({ dataDir: path.join(dir, 'data'), port: await freePort(), password: 'p', startTimeoutMs: 1 });
      await expect(start).rejects.toThrow('PostgreSQL did not start within 1 ms');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(processesNaming(path.join(dir, 'data'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
