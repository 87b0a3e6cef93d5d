import { apiFunctions, handlerModule } from '../../resources/functions';
import type { Reply, RequestShape } from './events';
import { readinessProbeEvent } from '../../src/lib/http/readiness';
import { invoke, lambdaContext } from './events';
import { fresh } from './fresh';

type Handler = Parameters<typeof invoke>[0];

/**
 * The API routes' handlers by a short name, from the function list: a resource's as `<resource>/<route>`
 * (`test-contacts/get`, of src/api/test-contacts/handlers/get.ts), the platform's by their file (`health-live`).
 */
const shortName = (module: string) => module.replace(/^src\/handlers\//, '').replace(/^(?:.+\/)?([^/]+)\/handlers\//, '$1/');
/** The short name of a function's handler, from its name in the function list. */
export const handlerNameOf = (functionName: string): HandlerName => shortName(handlerModule(functionName));
const handlerModules = new Map(apiFunctions.map((name) => [shortName(handlerModule(name)), handlerModule(name)]));
export type HandlerName = string;

/**
 * One Lambda container: the handlers loaded in a module registry of their own, so each
 * container has its own cold start, secret cache and connection pool, as in AWS.
 */
export interface Container {
  invoke(name: HandlerName, request: Partial<RequestShape>): Promise<Reply>;
  /** A direct invoke with the pre-traffic hook's readiness probe. */
  probe(name: HandlerName): Promise<{ statusCode: number; body?: string }>;
  /** Connections this container opened (the pool's count). */
  opened(): number;
  /** Closes its database connection (the DocumentDB driver's timers would keep the test process alive). */
  close(): Promise<void>;
}

export function loadContainer(): Container {
  const handlers = {} as Record<HandlerName, Handler>;
  let pools: { opened: number } | undefined;
  let closeStorage: (() => Promise<void>) | undefined;
  /* eslint-disable @typescript-eslint/no-require-imports */
  fresh(() => {
    for (const [name, module] of handlerModules) handlers[name] = (require(`../../${module}`) as { handler: Handler }).handler;
    pools = (require('../../src/lib/db/database') as { containerPools: { opened: number } }).containerPools;
    ({ closeStorage } = require('../../src/lib/storage/access') as { closeStorage: () => Promise<void> });
  });
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    invoke: (name, request) => invoke(handlers[name]!, { method: 'GET', path: '/', ...request }),
    probe: async (name) => (await handlers[name]!(readinessProbeEvent(), lambdaContext())) as { statusCode: number; body?: string },
    opened: () => pools!.opened,
    close: () => closeStorage!(),
  };
}

export interface Outcome {
  op: string;
  status: number;
  ms: number;
  retryAfter?: string;
  id?: string;
  /** The email a create sent. */
  email?: string;
  startedAt: number;
}

const json = { 'content-type': 'application/json' };
let sequence = 0;

/** One request of a mixed workload: writes and reads. */
export async function step(container: Container, known: string[]): Promise<Outcome> {
  const startedAt = Date.now();
  const n = (sequence += 1);
  const pick = n % 3;
  let op: string;
  let reply: Reply;
  let email: string | undefined;
  if (pick === 0 || known.length === 0) {
    op = 'create';
    email = `load-${process.pid}-${n}@example.com`;
    reply = await container.invoke('test-contacts/create', {
      method: 'POST',
      path: '/api/test-contacts',
      headers: json,
      body: JSON.stringify({ email, name: `Load ${n}` }),
    });
    if (reply.status === 201) known.push(reply.body.id);
  } else if (pick === 1) {
    op = 'list';
    reply = await container.invoke('test-contacts/list', { path: '/api/test-contacts', query: { limit: '5' } });
  } else {
    op = 'get';
    const id = known[n % known.length]!;
    reply = await container.invoke('test-contacts/get', { path: `/api/test-contacts/${id}`, pathParameters: { id } });
  }
  return {
    op,
    status: reply.status,
    ms: Date.now() - startedAt,
    retryAfter: reply.headers['retry-after'],
    id: reply.body?.id,
    email,
    startedAt,
  };
}

/**
 * Each container serves one request at a time, back to back, until `until` resolves or
 * `maxMs` passes, as Lambda containers do under steady traffic. Bounded in time and count.
 */
export async function runLoad(containers: Container[], until: Promise<unknown>, maxMs = 20_000, maxRequests = 10_000): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const known: string[] = [];
  let done = false;
  void until.finally(() => (done = true));
  const deadline = Date.now() + maxMs;
  await Promise.all(
    containers.map(async (container) => {
      while (!done && Date.now() < deadline && outcomes.length < maxRequests) {
        outcomes.push(await step(container, known));
        // A few milliseconds between requests, so fast failures do not turn into a busy loop.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }),
  );
  return outcomes;
}
