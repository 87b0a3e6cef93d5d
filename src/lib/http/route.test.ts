import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { environmentReads } from '../../../test/support/environment-reads';
import { httpEvent, lambdaContext, type RequestShape } from '../../../test/support/events';
import { fresh } from '../../../test/support/fresh';
import { stdoutLines } from '../../../test/support/service-logs';
import type * as Errors from '../errors';
import type * as Metrics from '../metrics';
import type * as Readiness from './readiness';
import type * as RequestMetrics from './request-metrics';
import type * as Responses from './responses';
import type * as Route from './route';

/**
 * The one stack every API route shares, with no database: what any route answers whatever its
 * handler does. Each test loads the modules afresh, as a cold start does, with the CORS origins
 * that test's stage allows.
 */
let modules: {
  route: typeof Route;
  readiness: typeof Readiness;
  responses: typeof Responses;
  errors: typeof Errors;
  metrics: typeof Metrics;
  requestMetrics: typeof RequestMetrics;
};
const origins = 'https://app.example.com,https://admin.example.com';

beforeEach(() => {
  process.env.CORS_ORIGINS = origins;
  /* eslint-disable @typescript-eslint/no-require-imports */
  modules = fresh(() => ({
    route: require('./route') as typeof Route,
    readiness: require('./readiness') as typeof Readiness,
    responses: require('./responses') as typeof Responses,
    errors: require('../errors') as typeof Errors,
    metrics: require('../metrics') as typeof Metrics,
    requestMetrics: require('./request-metrics') as typeof RequestMetrics,
  }));
  /* eslint-enable @typescript-eslint/no-require-imports */
});

afterEach(() => {
  delete process.env.CORS_ORIGINS;
  jest.restoreAllMocks();
});

type Handler = ReturnType<typeof Route.httpRoute>;

async function send(handler: Handler, request: Partial<RequestShape> | APIGatewayProxyEventV2, context: Context = lambdaContext()) {
  const event =
    'version' in request ? request : httpEvent({ method: 'GET', path: '/things', route: '/things', anonymous: true, ...request });
  const result = await handler(event as Parameters<Handler>[0], context);
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
  const json = /json/.test(headers['content-type'] ?? '');
  return { status: result.statusCode, headers, body: result.body && json ? JSON.parse(result.body) : result.body };
}

const answering = (reply: () => Promise<Responses.HttpResult>) => modules.route.httpRoute({}, reply);

describe('headers on every response', () => {
  const page = async () => ({ statusCode: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<p>page</p>' });

  it('sends the security headers on every response, and the default Content-Security-Policy on a page', async () => {
    const { headers } = await send(
      answering(async () => modules.responses.ok({ fine: true })),
      {},
    );
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'x-content-type-options': 'nosniff',
      'strict-transport-security': expect.stringMatching(/^max-age=\d+/),
    });
    const policy = (await send(answering(page), {})).headers['content-security-policy'];
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain('upgrade-insecure-requests');
  });

  it("takes a route's own Content-Security-Policy directives, where `false` drops one of middy's", async () => {
    const handler = modules.route.httpRoute(
      { contentSecurityPolicy: { 'default-src': "'self'", 'upgrade-insecure-requests': false } },
      page,
    );
    const policy = (await send(handler, {})).headers['content-security-policy']!;
    expect(policy).toContain("default-src 'self'");
    expect(policy).not.toContain('upgrade-insecure-requests');
  });

  it('sends the page-only headers on pages alone, whatever the responses before', async () => {
    let html = true;
    const handler = answering(async () => (html ? page() : modules.responses.ok({ fine: true })));
    const first = await send(handler, {});
    html = false;
    const second = await send(handler, {});
    html = true;
    const third = await send(handler, {});
    expect(first.headers['content-security-policy']).toContain("default-src 'none'");
    expect(second.headers).not.toHaveProperty('content-security-policy');
    expect(second.headers).not.toHaveProperty('x-frame-options');
    expect(second.headers['x-content-type-options']).toBe('nosniff');
    expect(third.headers).toEqual(first.headers);
  });

  it('grants CORS to an allowed origin, exposing the headers clients read', async () => {
    const { headers } = await send(
      answering(async () => modules.responses.created({}, '/things/1')),
      {
        headers: { origin: 'https://admin.example.com' },
      },
    );
    expect(headers['access-control-allow-origin']).toBe('https://admin.example.com');
    expect(headers['access-control-expose-headers']).toBe('Location,Retry-After,WWW-Authenticate,Idempotent-Replayed');
    expect(headers.location).toBe('/things/1');
  });

  it('answers another origin with the first allowed one, which grants it nothing', async () => {
    const { headers } = await send(
      answering(async () => modules.responses.ok({})),
      { headers: { origin: 'https://evil.example.net' } },
    );
    expect(headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('grants no origin where the stage allows none', async () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const loaded = fresh(() => ({ route: require('./route') as typeof Route, responses: require('./responses') as typeof Responses }), {
      CORS_ORIGINS: '',
    });
    /* eslint-enable @typescript-eslint/no-require-imports */
    const { headers } = await send(
      loaded.route.httpRoute({}, async () => loaded.responses.ok({})),
      { headers: { origin: 'https://app.example.com' } },
    );
    expect(headers['access-control-allow-origin'] ?? '').toBe('');
  });

  it('answers a preflight itself, with the methods, headers and lifetime the API allows', async () => {
    const handler = jest.fn(async () => modules.responses.ok({}));
    const reply = await send(modules.route.httpRoute({}, handler), {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' },
    });
    expect(reply.status).toBe(204);
    expect(reply.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
      'access-control-allow-headers': 'Content-Type,Authorization,Idempotency-Key',
      'access-control-max-age': '600',
    });
    expect(handler).not.toHaveBeenCalled();
  });
});

describe('the invocation', () => {
  it('lets Lambda freeze the container without waiting for the event loop, after an answer and after a failure', async () => {
    for (const handler of [
      answering(async () => modules.responses.ok({})),
      answering(async () => {
        throw new Error('boom');
      }),
    ]) {
      const context = lambdaContext();
      await send(handler, {}, context);
      expect(context.callbackWaitsForEmptyEventLoop).toBe(false);
    }
  });

  it("keeps the keys a request adds to its log lines (the caller's) out of the next request's", async () => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const loaded = fresh(
      () => ({
        route: require('./route') as typeof Route,
        responses: require('./responses') as typeof Responses,
        logger: (require('../logger') as typeof import('../logger')).logger,
      }),
      { POWERTOOLS_LOG_LEVEL: 'INFO', CORS_ORIGINS: origins },
    );
    /* eslint-enable @typescript-eslint/no-require-imports */
    let requests = 0;
    const handler = loaded.route.httpRoute({}, async () => {
      requests += 1;
      if (requests === 1) loaded.logger.appendKeys({ caller: { subject: 'user-1' } });
      loaded.logger.info(`request ${requests}`);
      return loaded.responses.ok({});
    });
    const logged = await stdoutLines(async () => {
      await send(handler, {});
      await send(handler, {});
    });
    expect(logged.map((line) => [line.message, line.caller])).toEqual([
      ['request 1', { subject: 'user-1' }],
      ['request 2', undefined],
    ]);
  });

  it('reads no environment variable on a warm request: Powertools reads its settings once (patches/)', async () => {
    const handler = answering(async () => modules.responses.ok({}));
    await send(handler, {});
    const { result, reads } = await environmentReads(() => send(handler, {}));
    expect(result.status).toBe(200);
    expect(reads).toEqual([]);
  });

  it('does not cut a slow handler short before Lambda would (no early timeout)', async () => {
    const context = { ...lambdaContext(), getRemainingTimeInMillis: () => 5 };
    const slow = answering(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return modules.responses.noContent();
    });
    expect((await send(slow, {}, context)).status).toBe(204);
  });

  it('maps a domain error to its problem response', async () => {
    const reply = await send(
      answering(async () => {
        throw new modules.errors.NotFoundError('No thing has this id');
      }),
      {},
    );
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ status: 404, title: 'Not Found', detail: 'No thing has this id' });
  });

  it('parses and validates a JSON body only where the route takes one', async () => {
    const withBody = modules.route.httpRoute({ body: z.object({ name: z.string() }) }, async ({ body }) => modules.responses.ok(body));
    const post = { method: 'POST', headers: { 'content-type': 'application/json' } };
    expect(await send(withBody, { ...post, body: '{"name":"a"}' })).toMatchObject({ status: 200, body: { name: 'a' } });
    expect((await send(withBody, { ...post, body: '{"name":1}' })).status).toBe(400);
    expect((await send(withBody, { ...post, body: '{' })).status).toBe(400);
    expect((await send(withBody, { ...post, headers: { 'content-type': 'text/plain' }, body: 'name' })).status).toBe(415);

    const input = jest.fn(async () => modules.responses.noContent());
    const withoutBody = modules.route.httpRoute({}, input);
    expect((await send(withoutBody, { ...post, body: '{' })).status).toBe(204);
    expect(input).toHaveBeenCalledWith({ request: { method: 'POST', path: '/things' } }, undefined);
  });

  it("gives the handler its extension's services and input, and lets the extension run it", async () => {
    const context = lambdaContext();
    const handler = jest.fn(async () => modules.responses.ok({ ran: true }));
    const execute = jest.fn(async (run: () => Promise<Responses.HttpResult>) => {
      const result = await run();
      return { ...result, headers: { ...result.headers, 'X-Executed': 'yes' } };
    });
    const route = modules.route.httpRoute({}, handler, {
      middlewares: [],
      services: (received: Context) => ({ sameContext: received === context }),
      input: () => ({ caller: 'someone' }),
      execute,
    });
    const reply = await send(route, {}, context);
    expect(reply).toMatchObject({ status: 200, headers: { 'x-executed': 'yes' }, body: { ran: true } });
    expect(handler).toHaveBeenCalledWith({ caller: 'someone', request: { method: 'GET', path: '/things' } }, { sameContext: true });
    expect(execute).toHaveBeenCalledWith(expect.any(Function), {
      event: expect.objectContaining({ rawPath: '/things' }),
      context,
      input: { caller: 'someone', request: { method: 'GET', path: '/things' } },
    });
  });

  it('runs the guards after the readiness probe, and before the body is read', async () => {
    const order: string[] = [];
    const route = modules.route.httpRoute({ body: z.object({}) }, async () => modules.responses.ok({}), {
      middlewares: [{ before: async () => void order.push('middleware') }],
      guards: [
        {
          before: async (request) => {
            order.push(`guard saw a body of type ${typeof request.event.body}`);
            throw new modules.errors.AccessDeniedError('Not for you', 'insufficient_scope', 'things.write');
          },
        },
      ],
      services: () => undefined,
      ready: async () => void order.push('ready'),
    });
    const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
    expect((await send(route, post)).status).toBe(403);
    expect(order).toEqual(['middleware', 'guard saw a body of type string']);
    order.length = 0;
    expect((await send(route, modules.readiness.readinessProbeEvent())).status).toBe(200);
    expect(order).toEqual(['middleware', 'ready']);
  });
});

describe('the readiness probe', () => {
  it('is a well-formed HTTP API event that no client can send: a top-level mark, from the hook', () => {
    const before = Date.now();
    const event = modules.readiness.readinessProbeEvent();
    expect(event).toEqual({
      readinessProbe: true,
      version: '2.0',
      routeKey: 'GET /readiness-probe',
      rawPath: '/readiness-probe',
      rawQueryString: '',
      headers: {},
      isBase64Encoded: false,
      requestContext: {
        accountId: 'readiness-probe',
        apiId: 'readiness-probe',
        domainName: 'readiness-probe',
        domainPrefix: 'readiness-probe',
        http: { method: 'GET', path: '/readiness-probe', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'pre-traffic-hook' },
        requestId: `probe-${event.requestContext.timeEpoch}`,
        routeKey: 'GET /readiness-probe',
        stage: '$default',
        time: new Date(event.requestContext.timeEpoch).toUTCString(),
        timeEpoch: expect.any(Number),
      },
    });
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.timeEpoch).toBeLessThanOrEqual(Date.now());
  });

  it("answers 200 once the route's check passes, without running the handler", async () => {
    const handler = jest.fn(async () => modules.responses.ok({}));
    const context = lambdaContext();
    const ready = jest.fn(async () => 1);
    const route = modules.route.httpRoute({}, handler, { middlewares: [], services: () => undefined, ready });
    const reply = await send(route, modules.readiness.readinessProbeEvent(), context);
    expect(reply).toEqual({
      status: 200,
      headers: expect.objectContaining({ 'content-type': 'application/json' }),
      body: { status: 'ready' },
    });
    expect(ready).toHaveBeenCalledWith(context);
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 200 on a route with nothing to check', async () => {
    const handler = jest.fn(async () => modules.responses.noContent());
    expect((await send(modules.route.httpRoute({}, handler), modules.readiness.readinessProbeEvent())).body).toEqual({ status: 'ready' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers the problem response when the check fails', async () => {
    const route = modules.route.httpRoute({}, async () => modules.responses.ok({}), {
      middlewares: [],
      services: () => undefined,
      ready: async () => {
        throw new modules.errors.UnavailableError('database', 'Database unavailable', 'The database is unavailable');
      },
    });
    const reply = await send(route, modules.readiness.readinessProbeEvent());
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toBe('application/problem+json');
  });

  it('leaves every other request to the route: a client cannot mark one as a probe through a header or the body', async () => {
    const ready = jest.fn(async () => 1);
    const route = modules.route.httpRoute({}, async () => modules.responses.ok({ handled: true }), {
      middlewares: [],
      services: () => undefined,
      ready,
    });
    const marked = { headers: { readinessprobe: 'true' }, body: '{"readinessProbe":true}' };
    expect(await send(route, marked)).toMatchObject({ status: 200, body: { handled: true } });
    expect(
      await send(route, { ...httpEvent({ method: 'GET', path: '/x' }), readinessProbe: 'true' } as APIGatewayProxyEventV2),
    ).toMatchObject({
      body: { handled: true },
    });
    expect(ready).not.toHaveBeenCalled();
  });
});

describe('request metrics', () => {
  /** What the stack asks of Powertools Metrics, in order; the calls go through. */
  function recorded() {
    const { metrics } = modules.metrics;
    const names: string[] = [];
    const calls: string[] = [];
    jest.spyOn(metrics, 'addMetric').mockImplementation(function (this: typeof metrics, name, unit, value) {
      names.push(name);
      return Object.getPrototypeOf(metrics).addMetric.call(this, name, unit, value);
    });
    const original = { addDimension: metrics.addDimension.bind(metrics), clearDimensions: metrics.clearDimensions.bind(metrics) };
    jest.spyOn(metrics, 'addDimension').mockImplementation((name, value) => {
      calls.push(`${name}=${value}`);
      return original.addDimension(name, value);
    });
    jest.spyOn(metrics, 'clearDimensions').mockImplementation(() => {
      calls.push('clear');
      original.clearDimensions();
    });
    const coldStart = jest.spyOn(metrics, 'captureColdStartMetric');
    /** The dimensions each invocation set, each right after clearing the last one's. */
    const dimensions = () => calls.flatMap((call, index) => (call === 'clear' || calls[index - 1] !== 'clear' ? [] : [call]));
    return { names, calls, dimensions, coldStart };
  }

  it('counts each response by its status class, with the route as a dimension', async () => {
    const { names, calls, dimensions } = recorded();
    const statuses = [200, 201, 204, 302, 404, 409, 500, 502];
    for (const status of statuses) {
      await send(
        answering(async () => ({ statusCode: status })),
        { route: '/things/{id}', path: '/things/1' },
      );
    }
    expect(names).toEqual(['Status2xx', 'Status2xx', 'Status2xx', 'Status3xx', 'Status4xx', 'Status4xx', 'Status5xx', 'Status5xx']);
    expect(dimensions()).toEqual(statuses.map(() => 'route=GET /things/{id}'));
    expect(calls.filter((call) => call !== 'clear')).toHaveLength(statuses.length);
  });

  it('counts a status outside the classes as a server error', async () => {
    const { names } = recorded();
    await send(
      answering(async () => ({ statusCode: 100 })),
      {},
    );
    expect(names).toEqual(['Status5xx']);
  });

  it('counts a failure by the status the client got, and a 503 also by the dependency that caused it', async () => {
    const { names } = recorded();
    const failing = (error: Error) =>
      answering(async () => {
        throw error;
      });
    const { errors } = modules;
    await send(failing(new errors.NotFoundError('gone')), {});
    await send(failing(new Error('bug')), {});
    await send(failing(new errors.UnavailableError('token-keys', 'Token keys unavailable', 'down')), {});
    await send(failing(new errors.UnavailableError('idempotency-store', 'Store unavailable', 'down')), {});
    expect(names).toEqual([
      'Status4xx',
      'Status5xx',
      'Status5xx',
      'Unavailable503TokenKeys',
      'Status5xx',
      'Unavailable503IdempotencyStore',
    ]);
  });

  it("does not count a 503 the handler answered itself as a dependency's outage", async () => {
    const { names } = recorded();
    await send(
      answering(async () => ({ statusCode: 503 })),
      {},
    );
    expect(names).toEqual(['Status5xx']);
  });

  it('counts a failure that reached it with no response as a server error', async () => {
    const { names } = recorded();
    const counter = modules.requestMetrics.requestMetrics();
    const request = {
      event: httpEvent({ method: 'GET', path: '/x' }),
      context: lambdaContext(),
      error: new Error('bug'),
      response: undefined,
    };
    await counter.onError!(request as never);
    expect(names).toEqual(['Status5xx']);
  });

  it("names the route 'unknown' in an event without a route key", async () => {
    const { dimensions } = recorded();
    const event = httpEvent({ method: 'GET', path: '/x' }) as Partial<APIGatewayProxyEventV2>;
    delete event.routeKey;
    await send(
      answering(async () => modules.responses.ok({})),
      event as APIGatewayProxyEventV2,
    );
    expect(dimensions()).toEqual(['route=unknown']);
  });

  it("asks for the cold-start metric on each invocation, by the function's name (Powertools writes it once)", async () => {
    const { coldStart } = recorded();
    const route = answering(async () => modules.responses.ok({}));
    await send(route, {});
    await send(route, {});
    expect(coldStart).toHaveBeenCalledTimes(2);
    expect(coldStart).toHaveBeenCalledWith('test');
  });
});
