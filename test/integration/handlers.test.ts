import { loadContainer, type Container, type HandlerName } from '../support/containers';
import type { Reply, RequestShape } from '../support/events';
import { count, startTestDatabase, type TestDatabase } from '../support/postgres';
import { serveSecrets, type LocalSecrets } from '../support/service-env';
import { expectProblemBody } from '../support/problems';
import { testToken } from '../support/auth';
import { environmentReads } from '../support/environment-reads';
import { serviceName } from '../support/names';

let database: TestDatabase;
let secrets: LocalSecrets;
let container: Container;
const json = { 'content-type': 'application/json' };

function expectProblem(reply: Reply, status: number) {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toBe('application/problem+json');
  expectProblemBody(reply.body, status);
  expect(reply.raw).not.toMatch(/stack|node_modules|select |insert |postgres|ECONN|at \w+ \(/i);
}

const connections = () =>
  count(
    database.admin,
    `select count(*) as n from pg_stat_activity where application_name = '${serviceName}' and backend_type = 'client backend'`,
  );

beforeAll(async () => {
  database = await startTestDatabase();
  secrets = await serveSecrets(database.secret, { CORS_ORIGINS: 'https://app.example.com' });
  container = loadContainer();
});

afterAll(async () => {
  await secrets?.close();
  await database?.stop();
});

const call = (name: HandlerName, request: Partial<RequestShape>) => container.invoke(name, request);
const create = (body: unknown, headers: Record<string, string> = json) =>
  call('test-contacts/create', {
    method: 'POST',
    path: '/api/test-contacts',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('health', () => {
  it('answers liveness with no I/O, with security headers', async () => {
    const reply = await call('health-live', { path: '/api/health/live' });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok' });
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['strict-transport-security']).toContain('max-age=');
  });

  it('reports readiness and diagnostics from one database round trip', async () => {
    const ready = await call('health-ready', { path: '/api/health/ready' });
    expect([ready.status, ready.body]).toEqual([200, { status: 'ready' }]);
    const first = await call('health', { path: '/api/health' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      status: 'ok',
      service: serviceName,
      stage: 'local',
      version: expect.any(String),
      coldStart: true,
      database: { status: 'ok' },
    });
    expect(first.body.database.roundTripMs).toBeGreaterThanOrEqual(0);
    expect((await call('health', { path: '/api/health' })).body.coldStart).toBe(false);
  });
});

describe('CORS', () => {
  it('answers a browser preflight, which only the catch-all route receives', async () => {
    const preflight = await call('not-found', {
      method: 'OPTIONS',
      path: '/api/test-contacts',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toContain('Content-Type');
  });

  it('allows the stage origins only', async () => {
    const allowed = await call('health-live', { path: '/api/health/live', headers: { origin: 'https://app.example.com' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await call('health-live', { path: '/api/health/live', headers: { origin: 'https://evil.example.com' } });
    // Answered with the first allowed origin: a browser on another origin is granted nothing (and sls offline reflects none).
    expect(other.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });
});

describe('users', () => {
  it('creates, reads, replaces and deletes a contact', async () => {
    const created = await create({ email: '  Ada.Lovelace@Example.COM ', name: ' Ada ' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada' });
    expect(created.headers.location).toBe(`/api/test-contacts/${created.body.id}`);
    const id = created.body.id as string;

    const read = await call('test-contacts/get', { path: `/api/test-contacts/${id}`, pathParameters: { id } });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const replaced = await call('test-contacts/update', {
      method: 'PUT',
      path: `/api/test-contacts/${id}`,
      pathParameters: { id },
      headers: json,
      body: JSON.stringify({ email: 'ada@example.com', name: 'Ada L.' }),
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id, email: 'ada@example.com', name: 'Ada L.', createdAt: created.body.createdAt });

    const deleted = await call('test-contacts/delete', { method: 'DELETE', path: `/api/test-contacts/${id}`, pathParameters: { id } });
    expect(deleted.status).toBe(204);
    expect(deleted.raw).toBe('');
    expect(await count(database.admin, 'select count(*) as n from test_contacts where id = $1', [id])).toBe(0);
    expectProblem(await call('test-contacts/delete', { method: 'DELETE', path: `/api/test-contacts/${id}`, pathParameters: { id } }), 404);
    expectProblem(await call('test-contacts/get', { path: `/api/test-contacts/${id}`, pathParameters: { id } }), 404);
  });

  it('answers 409 for a duplicate email in any case, and stores one row', async () => {
    expect((await create({ email: 'dup@example.com', name: 'One' })).status).toBe(201);
    expectProblem(await create({ email: 'DUP@example.com', name: 'Two' }), 409);
    expect(await count(database.admin, "select count(*) as n from test_contacts where email = 'dup@example.com'")).toBe(1);
  });

  it('answers 400 naming each invalid field', async () => {
    const reply = await create({ email: 'not-an-email', name: '' });
    expectProblem(reply, 400);
    expect(reply.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'name']);
    const missing = await create({});
    expectProblem(missing, 400);
    expect(missing.body.errors).toEqual([
      { field: 'email', message: 'must be a string' },
      { field: 'name', message: 'must be a string' },
    ]);
    expect(missing.body.detail).toMatch(/email.*name/);
  });

  it('answers 400, not 500, for a name PostgreSQL text cannot hold', async () => {
    const reply = await create({ email: 'nul@example.com', name: 'nul\u0000byte' });
    expectProblem(reply, 400);
    expect(reply.body.errors).toEqual([{ field: 'name', message: 'must not contain control characters' }]);
  });

  it('answers 400 for malformed JSON or a missing body', async () => {
    const malformed = await create('{"email": ');
    expectProblem(malformed, 400);
    expect(malformed.body.detail).toMatch(/not valid JSON/);
    expectProblem(await create(''), 400);
    expectProblem(await create('[1,2]'), 400);
  });

  it('answers 415 for a body that is not JSON, or has no content type at all', async () => {
    expectProblem(await create('email=a@b.c', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    expectProblem(await create(JSON.stringify({ email: 'ct@example.com', name: 'CT' }), {}), 415);
    expect(await count(database.admin, "select count(*) as n from test_contacts where email = 'ct@example.com'")).toBe(0);
  });

  it('answers 413 above 64 KB and accepts a body of exactly 64 KB', async () => {
    const envelope = JSON.stringify({ email: 'big@example.com', name: 'Big', pad: '' });
    const exact = JSON.stringify({ email: 'big@example.com', name: 'Big', pad: 'x'.repeat(64 * 1024 - envelope.length) });
    expect(Buffer.byteLength(exact)).toBe(64 * 1024);
    expect((await create(exact)).status).toBe(201);
    expectProblem(await create(exact.replace('"pad":"', '"pad":"x')), 413);
  });

  it('accepts a base64-encoded body', async () => {
    const body = Buffer.from(JSON.stringify({ email: 'b64@example.com', name: 'B64' })).toString('base64');
    const reply = await call('test-contacts/create', {
      method: 'POST',
      path: '/api/test-contacts',
      headers: json,
      body,
      isBase64Encoded: true,
    });
    expect(reply.status).toBe(201);
  });

  it('answers 404 for a non-UUID or unknown id on every id route', async () => {
    for (const id of ['nope', '123', "1' or '1'='1", '00000000-0000-7000-8000-000000000000']) {
      expectProblem(await call('test-contacts/get', { path: `/api/test-contacts/${id}`, pathParameters: { id } }), 404);
      expectProblem(
        await call('test-contacts/delete', { method: 'DELETE', path: `/api/test-contacts/${id}`, pathParameters: { id } }),
        404,
      );
      expectProblem(
        await call('test-contacts/update', {
          method: 'PUT',
          path: `/api/test-contacts/${id}`,
          pathParameters: { id },
          headers: json,
          body: '{"email":"a@b.co","name":"A"}',
        }),
        404,
      );
    }
  });

  it('requires both email and name on PUT', async () => {
    const { body: user } = await create({ email: 'put@example.com', name: 'Put' });
    const reply = await call('test-contacts/update', {
      method: 'PUT',
      path: `/api/test-contacts/${user.id}`,
      pathParameters: { id: user.id },
      headers: json,
      body: '{"email":"put2@example.com"}',
    });
    expectProblem(reply, 400);
    expect(reply.body.errors).toEqual([{ field: 'name', message: 'must be a string' }]);
  });

  it('pages with limit and cursor, and validates both', async () => {
    const total = await count(database.admin, 'select count(*) as n from test_contacts');
    const first = await call('test-contacts/list', { path: '/api/test-contacts', query: { limit: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.next).toBe('string');
    const rest = await call('test-contacts/list', { path: '/api/test-contacts', query: { limit: '100', cursor: first.body.next } });
    expect(rest.body.items).toHaveLength(total - 2);
    expect(rest.body.next).toBeNull();
    const defaults = await call('test-contacts/list', { path: '/api/test-contacts' });
    expect(defaults.body.items).toHaveLength(Math.min(total, 20));
    for (const limit of ['0', '101', 'abc', '1.5', '-1']) {
      const reply = await call('test-contacts/list', { path: '/api/test-contacts', query: { limit } });
      expectProblem(reply, 400);
      expect(reply.body.errors[0].field).toBe('limit');
    }
    const badCursor = await call('test-contacts/list', { path: '/api/test-contacts', query: { cursor: 'bm90LWEtY3Vyc29y' } });
    expectProblem(badCursor, 400);
    expect(badCursor.body.errors[0].field).toBe('cursor');
  });

  it('answers a known path asked with a method it does not have with 405 and Allow, and an unknown path with 404', async () => {
    const patch = await call('not-found', { method: 'PATCH', path: '/api/test-contacts' });
    expectProblem(patch, 405);
    expect(patch.headers.allow).toBe('GET, POST');
    const trace = await call('not-found', { method: 'TRACE', path: '/api/test-contacts/0b4e7a52-4b8c-4f7e-9d3c-2a1f1e6f0c11' });
    expectProblem(trace, 405);
    expect(trace.headers.allow).toBe('DELETE, GET, PUT');
    expect((await call('not-found', { method: 'PATCH', path: '/api/health' })).headers.allow).toBe('GET');
    for (const path of ['/api/nothing', '/api/test-contacts/a/b', '/api', '/'])
      expectProblem(await call('not-found', { method: 'GET', path }), 404);
  });
});

describe('hostile input (fuzz)', () => {
  const randomValue = (depth = 0): unknown => {
    const pick = Math.floor(Math.random() * (depth > 2 ? 5 : 7));
    if (pick === 0) return null;
    if (pick === 1) return Math.random() * 1e6 - 5e5;
    if (pick === 2) return Math.random() < 0.5;
    if (pick === 3) {
      // Any code point below the surrogates; control characters (NUL among them) often.
      const codePoint = () => Math.floor(Math.random() * (Math.random() < 0.2 ? 32 : 0xd7ff));
      return String.fromCharCode(...Array.from({ length: Math.floor(Math.random() * 40) }, codePoint));
    }
    if (pick === 4) return `${Math.random().toString(36).slice(2)}@example.com`;
    if (pick === 5) return Array.from({ length: Math.floor(Math.random() * 4) }, () => randomValue(depth + 1));
    return Object.fromEntries(
      ['email', 'name', 'id', '__proto__', 'constructor'].filter(() => Math.random() < 0.6).map((key) => [key, randomValue(depth + 1)]),
    );
  };

  it('never answers 500, whatever the body, content type or path', async () => {
    const contentTypes = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/problem+json', ''];
    for (let i = 0; i < 300; i += 1) {
      const shape = Math.random();
      const garbage = () =>
        Math.random()
          .toString(36)
          .repeat(Math.floor(Math.random() * 5));
      // Often a valid email, so that whatever the name holds reaches the database.
      const valid = () => ({ email: `fuzz${i}@example.com`, name: randomValue(3) });
      const body = shape < 0.2 ? garbage() : JSON.stringify(shape < 0.6 ? valid() : randomValue());
      const contentType = contentTypes[i % contentTypes.length]!;
      const reply = await create(body, contentType ? { 'content-type': contentType } : {});
      expect([201, 400, 409, 413, 415]).toContain(reply.status);
      if (reply.status !== 201) expectProblem(reply, reply.status);
      const id = String(randomValue());
      const read = await call('test-contacts/get', { path: `/api/test-contacts/${encodeURIComponent(id)}`, pathParameters: { id } });
      expect([200, 404]).toContain(read.status);
    }
  });
});

describe('one container', () => {
  it('holds one database connection and fetched the secret once', async () => {
    expect(await connections()).toBe(1);
    expect(secrets.endpoint.fetches.get('db')).toBe(1);
  });

  it('reads nothing from the environment on a warm request but a bundle constant (token check, database, metrics)', async () => {
    const created = await create({ email: 'warm-env@example.com', name: 'Warm' });
    const id = created.body.id as string;
    const get = () =>
      call('test-contacts/get', { path: `/api/test-contacts/${id}`, route: '/api/test-contacts/{id}', pathParameters: { id } });
    expect((await get()).status).toBe(200);
    const { result, reads } = await environmentReads(get);
    expect(result.status).toBe(200);
    // The one read is a constant in every bundle (esbuild's `define`), so a deployed function makes none.
    expect(reads).toEqual(['TRACE_SUBSEGMENTS']);
  });

  it('answers 503 with Retry-After within 3 s while the database is down, and recovers without a restart', async () => {
    await database.server.stop();
    for (const [name, request] of [
      ['health-ready', { path: '/api/health/ready' }],
      ['test-contacts/list', { path: '/api/test-contacts' }],
      [
        'test-contacts/create',
        { method: 'POST', path: '/api/test-contacts', headers: json, body: '{"email":"down@example.com","name":"Down"}' },
      ],
    ] as const) {
      const started = Date.now();
      const reply = await call(name, request);
      expect(Date.now() - started).toBeLessThan(3000);
      expectProblem(reply, 503);
      expect(Number(reply.headers['retry-after'])).toBeGreaterThan(0);
    }
    await database.start();
    expect((await call('health-ready', { path: '/api/health/ready' })).status).toBe(200);
    expect((await call('test-contacts/list', { path: '/api/test-contacts' })).status).toBe(200);
    expect(await connections()).toBe(1);
  });
});

describe('the readiness probe that the pre-traffic hook sends each new version', () => {
  it('is answered 200 by every API function, whatever its method and body rules', async () => {
    for (const name of [
      'health-live',
      'health-ready',
      'health',
      'test-contacts/create',
      'test-contacts/list',
      'test-contacts/get',
      'test-contacts/update',
      'test-contacts/delete',
      'not-found',
    ]) {
      expect([name, (await container.probe(name)).statusCode]).toEqual([name, 200]);
    }
  });

  it('answers 503 from a database route whose database cannot be reached, and still 200 where none is used', async () => {
    secrets.write({ ...database.secret, port: 9 });
    try {
      const fresh = loadContainer();
      expect((await fresh.probe('test-contacts/get')).statusCode).toBe(503);
      expect((await fresh.probe('health-live')).statusCode).toBe(200);
    } finally {
      secrets.write(database.secret);
    }
  });

  it('cannot be sent through the API: a request that names it is served as usual', async () => {
    const id = '01890000-0000-7000-8000-000000000000';
    const reply = await call('test-contacts/get', {
      path: `/api/test-contacts/${id}`,
      pathParameters: { id },
      headers: { readinessProbe: 'true' },
      query: { readinessProbe: 'true' },
    });
    expectProblem(reply, 404);
  });
});

describe('bodies that are absent, null or not an object (the 500 that sls offline used to get)', () => {
  it('answers 400 for a POST or PUT whose body is absent, JSON-null or null, and writes nothing', async () => {
    const before = await count(database.admin, 'select count(*) as n from test_contacts');
    const id = '01890000-0000-7000-8000-000000000000';
    for (const body of [undefined, null, '', 'null', '[]', '"text"', '42']) {
      for (const [name, request] of [
        ['test-contacts/create', { method: 'POST', path: '/api/test-contacts' }],
        ['test-contacts/update', { method: 'PUT', path: `/api/test-contacts/${id}`, pathParameters: { id } }],
      ] as const) {
        const reply = await call(name, { ...request, headers: json, body: body as never });
        expect([name, body, reply.status]).toEqual([name, body, 400]);
        expectProblem(reply, 400);
      }
    }
    expect(await count(database.admin, 'select count(*) as n from test_contacts')).toBe(before);
  });
});

/**
 * What each handler declares (its scope, its schemas) takes effect when its module loads: here in
 * a new container, as a cold start loads it, rather than in the one the other tests share.
 */
describe('each route as a new container loads it', () => {
  const id = '01890000-0000-7000-8000-00000000abcd';
  const readOnly = `Bearer ${testToken({ scopes: ['test-contacts.read'] })}`;
  const writeOnly = `Bearer ${testToken({ scopes: ['test-contacts.write'] })}`;

  it('serves the whole lifecycle of a contact, each step with its status and body', async () => {
    const fresh = loadContainer();
    const health = await fresh.invoke('health', { path: '/api/health' });
    expect([health.status, health.body.coldStart]).toEqual([200, true]);
    const email = `fresh-${Date.now()}@example.com`;
    const made = await fresh.invoke('test-contacts/create', {
      method: 'POST',
      path: '/api/test-contacts',
      headers: json,
      body: JSON.stringify({ email, name: 'Fresh' }),
    });
    expect(made.status).toBe(201);
    expect(made.headers.location).toBe(`/api/test-contacts/${made.body.id}`);
    const at = { path: `/api/test-contacts/${made.body.id}`, pathParameters: { id: made.body.id } };
    expect((await fresh.invoke('test-contacts/get', at)).body).toEqual(made.body);
    const replaced = await fresh.invoke('test-contacts/update', {
      ...at,
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ email, name: 'Renamed' }),
    });
    expect([replaced.status, replaced.body.name]).toEqual([200, 'Renamed']);
    const listed = await fresh.invoke('test-contacts/list', { path: '/api/test-contacts', query: { limit: '100' } });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((user: { id: string }) => user.id)).toContain(made.body.id);
    expect((await fresh.invoke('test-contacts/delete', { ...at, method: 'DELETE' })).status).toBe(204);
    expectProblem(await fresh.invoke('test-contacts/get', at), 404);
    const live = await fresh.invoke('health-live', { path: '/api/health/live' });
    expect([live.status, live.body]).toEqual([200, { status: 'ok' }]);
  });

  it('demands the scope each route declares', async () => {
    const fresh = loadContainer();
    const at = { path: `/api/test-contacts/${id}`, pathParameters: { id } };
    const body = JSON.stringify({ email: 'scope@example.com', name: 'Scope' });
    const refused: [HandlerName, Partial<RequestShape>][] = [
      ['test-contacts/list', { path: '/api/test-contacts', headers: { authorization: writeOnly } }],
      ['test-contacts/get', { ...at, headers: { authorization: writeOnly } }],
      ['test-contacts/create', { method: 'POST', path: '/api/test-contacts', headers: { ...json, authorization: readOnly }, body }],
      ['test-contacts/update', { ...at, method: 'PUT', headers: { ...json, authorization: readOnly }, body }],
      ['test-contacts/delete', { ...at, method: 'DELETE', headers: { authorization: readOnly } }],
    ];
    for (const [name, request] of refused) expect([name, (await fresh.invoke(name, request)).status]).toEqual([name, 403]);
  });

  it('validates the path, the query and the body each route declares', async () => {
    const fresh = loadContainer();
    // An id that is no uuid is a path that names nothing: 404, before the database.
    const bad = { path: '/api/test-contacts/not-a-uuid', pathParameters: { id: 'not-a-uuid' } };
    const body = JSON.stringify({ email: 'a@example.com', name: 'A' });
    for (const [name, request] of [
      ['test-contacts/get', bad],
      ['test-contacts/delete', { ...bad, method: 'DELETE' }],
      ['test-contacts/update', { ...bad, method: 'PUT', headers: json, body }],
    ] as [HandlerName, Partial<RequestShape>][]) {
      const reply = await fresh.invoke(name, request);
      expectProblem(reply, 404);
      expect([name, reply.body.detail]).toEqual([name, 'No resource exists at this path']);
    }
    const at = { path: `/api/test-contacts/${id}`, pathParameters: { id } };
    const invalid: [HandlerName, Partial<RequestShape>, string][] = [
      [
        'test-contacts/create',
        { method: 'POST', path: '/api/test-contacts', headers: json, body: JSON.stringify({ name: 'No email' }) },
        'email',
      ],
      ['test-contacts/update', { ...at, method: 'PUT', headers: json, body: JSON.stringify({ email: 'a@example.com' }) }, 'name'],
      ['test-contacts/list', { path: '/api/test-contacts', query: { limit: '0' } }, 'limit'],
      ['test-contacts/list', { path: '/api/test-contacts', query: { cursor: '' } }, 'cursor'],
    ];
    for (const [name, request, field] of invalid) {
      const reply = await fresh.invoke(name, request);
      expect([name, field, reply.status]).toEqual([name, field, 400]);
      expectProblem(reply, 400);
      expect([name, reply.body.errors.map((issue: { field: string }) => issue.field)]).toEqual([name, [field]]);
    }
  });
});
