import { spawn, spawnSync } from 'node:child_process';
import { freePort } from '../../src/local/local-stack';
import { trackProcess } from '../../src/local/started-processes';

export interface Moto {
  url: string;
  stop(): Promise<void>;
}

/** Whether moto's local AWS API is installed; tests that need it skip with this reason when not. */
export const motoMissing =
  spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0 ? undefined : 'moto_server is not installed: skipped';

/**
 * moto's local AWS API (SNS, SQS, Secrets Manager...) on a free loopback port. Under mutation
 * testing, the one that scripts/mutation.ts started for every run instead (TEST_SHARED_MOTO_URL),
 * which this leaves running: the tests name what they create uniquely.
 */
export async function startMoto(): Promise<Moto> {
  const shared = process.env.TEST_SHARED_MOTO_URL;
  if (shared) return { url: shared, stop: async () => undefined };
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  trackProcess(child, stop);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) })).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error('moto_server did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
