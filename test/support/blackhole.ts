import net from 'node:net';

export interface Blackhole {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  /** From now on, connects each new connection to `port` on loopback instead: the dependency answers again. */
  heal(port: number): void;
  close(): Promise<void>;
}

/** A loopback TCP server that accepts every connection and never answers (until healed): a dependency that hangs. */
export async function startBlackhole(): Promise<Blackhole> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let healedTo: number | undefined;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (healedTo === undefined) return;
    const upstream = net.connect(healedTo, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    heal: (port) => (healedTo = port),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
