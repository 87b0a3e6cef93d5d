import http from 'node:http';
import type net from 'node:net';

/** A request as the receiver saw it, its body parsed as JSON (undefined when empty). */
export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** What the receiver answers a request with: by default its `status`, as a webhook does. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

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

/**
 * A loopback HTTP endpoint that records what is posted to it: a stand-in for a Slack incoming
 * webhook, or, given `answer`, for an API that answers each request.
 */
export async function startReceiver(answer?: (request: Received) => Promise<Answer>): Promise<Receiver> {
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => (text += chunk));
    request.on('end', () => {
      const body = text ? JSON.parse(text) : undefined;
      receiver.bodies.push(body);
      receiver.headers.push(request.headers);
      const answered = answer
        ? answer({ method: request.method!, url: request.url!, headers: request.headers, body })
        : Promise.resolve({
            status: receiver.status,
            headers: { 'content-type': 'text/plain' },
            body: receiver.status === 200 ? 'ok' : 'failure',
          });
      // An answer that throws is a 500 with its message, never a request left hanging.
      void answered
        .catch((error: Error) => ({ status: 500, headers: { 'content-type': 'text/plain' }, body: error.message }))
        .then(({ status, headers, body: content }) => response.writeHead(status, headers).end(content));
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
