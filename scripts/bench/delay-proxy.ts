import net from 'node:net';

/**
 * A TCP proxy on loopback that holds what a client sends for `delayMs` before passing it on, so that
 * every database round trip through it takes about as long as one to Aurora in a VPC rather than
 * one on loopback (the tests use it with no delay, to drop every connection at once). Answers come back at once. Chunks held the same time leave in the order they came
 * (Node.js runs timers of equal duration first in, first out).
 */
export async function startDelayProxy(
  targetPort: number,
  delayMs: number,
): Promise<{ port: number; dropConnections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => setTimeout(() => upstream.writable && upstream.write(chunk), delayMs));
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    /** Ends every connection through it, as a failover does, while it goes on accepting new ones; how many it ended. */
    dropConnections: () => {
      const ended = sockets.size / 2;
      for (const socket of sockets) socket.destroy();
      return ended;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
