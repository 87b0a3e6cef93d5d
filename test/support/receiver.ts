import http from 'node:http';
import type net from 'node:net';

export interface Receiver {
  url: string;
  /** The JSON bodies received, in order. */
  bodies: any[];
  /** The headers of each request, in the same order. */
  headers: http.IncomingHttpHeaders[];
  /** The status it answers with (500 makes it a failing webhook). */
  status: number;
  close(): Promise<void>;
}

/** A loopback HTTP endpoint that records what is posted to it: a stand-in for a Slack incoming webhook. */
export async function startReceiver(): Promise<Receiver> {
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      receiver.bodies.push(JSON.parse(body));
      receiver.headers.push(request.headers);
      response.writeHead(receiver.status, { 'content-type': 'text/plain' }).end(receiver.status === 200 ? 'ok' : 'failure');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/services/T000/B000/hook`,
    bodies: [],
    headers: [],
    status: 200,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return receiver;
}
