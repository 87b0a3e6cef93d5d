import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts `server` on 127.0.0.1: on `port`, or on a free port that is none of `avoid` (ports others
 * are about to take). Unreferenced, so it never keeps a process alive by itself.
 */
export async function listenOnLoopback(
  server: http.Server,
  port = 0,
  avoid: number[] = [],
): Promise<{ url: string; close(): Promise<void> }> {
  const listen = () =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  let bound = await listen();
  for (let attempt = 0; avoid.includes(bound) && attempt < 10; attempt += 1) {
    await new Promise((resolve) => server.close(resolve));
    bound = await listen();
  }
  server.unref();
  return { url: `http://127.0.0.1:${bound}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
