import fc from 'fast-check';
import { loadContainer, type Container } from '../support/containers';
import type { RequestShape } from '../support/events';
import {
  contentEncoding,
  asUrlText,
  contentType,
  documentedStatuses,
  fuzzParameters,
  fuzzTimeoutMs,
  hostileBody,
  pathId,
  queryOf,
  queryPairs,
} from '../support/hostile-input';
import { startTestDatabase, type TestDatabase } from '../support/postgres';
import { serveSecrets, type LocalSecrets } from '../support/service-env';
import { expectProblemBody } from '../support/problems';

jest.setTimeout(fuzzTimeoutMs);

/**
 * Generated hostile input through the real middy stack of every users route, against a real
 * PostgreSQL: no 500, only documented statuses, problem documents for every error, nothing
 * written by a rejected request, bounded time. `npm run fuzz` runs many more cases.
 */
let database: TestDatabase;
let secrets: LocalSecrets;
let container: Container;
const known: string[] = [];

/** A digest of the whole table: any write changes it. */
const tableDigest = async () =>
  (
    await database.admin.query<{ digest: string | null; n: string }>(
      "select md5(string_agg(id::text || email || name || updated_at::text, ',' order by id)) as digest, count(*) as n from test_contacts",
    )
  ).rows[0]!;

const routes = [
  { route: 'POST /api/test-contacts', handler: 'test-contacts/create', path: () => '/api/test-contacts', body: true },
  { route: 'GET /api/test-contacts', handler: 'test-contacts/list', path: () => '/api/test-contacts', query: true },
  { route: 'GET /api/test-contacts/{id}', handler: 'test-contacts/get', path: (id: string) => `/api/test-contacts/${id}`, id: true },
  {
    route: 'PUT /api/test-contacts/{id}',
    handler: 'test-contacts/update',
    path: (id: string) => `/api/test-contacts/${id}`,
    id: true,
    body: true,
  },
  { route: 'DELETE /api/test-contacts/{id}', handler: 'test-contacts/delete', path: (id: string) => `/api/test-contacts/${id}`, id: true },
  { route: 'GET /api/health/live', handler: 'health-live', path: () => '/api/health/live' },
  { route: 'GET /api/health/ready', handler: 'health-ready', path: () => '/api/health/ready' },
  { route: 'GET /api/health', handler: 'health', path: () => '/api/health' },
  { route: 'PATCH $default', handler: 'not-found', path: (id: string) => `/api/${id}` },
  { route: 'OPTIONS $default', handler: 'not-found', path: (id: string) => `/api/test-contacts/${id}` },
  { route: 'GET $default', handler: 'not-found', path: (id: string) => `/${id}` },
] as const;

beforeAll(async () => {
  database = await startTestDatabase();
  secrets = await serveSecrets(database.secret);
  container = loadContainer();
  for (let i = 0; i < 5; i += 1) {
    const reply = await container.invoke('test-contacts/create', {
      method: 'POST',
      path: '/api/test-contacts',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `known${i}@example.com`, name: `Known ${i}` }),
    });
    known.push(reply.body.id);
  }
});

afterAll(async () => {
  await secrets?.close();
  await database?.stop();
});

const request = fc.record({
  // The body routes twice as often: they parse the most.
  route: fc.constantFrom(...routes, routes[0], routes[3]),
  id: fc.oneof(
    pathId,
    fc.constantFrom(...Array.from({ length: 5 }, (_, i) => i)).map((i) => known[i] ?? ''),
  ),
  pairs: queryPairs,
  body: hostileBody,
  type: contentType,
  encoding: contentEncoding,
});

it('answers every generated request with a documented status and a problem document, writing nothing when it rejects', async () => {
  const seen = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(request, async ({ route, id, pairs, body, type, encoding }) => {
      const { rawQueryString, queryStringParameters } = queryOf(pairs);
      const headers: Record<string, string> = {};
      if (type !== undefined) headers['content-type'] = type;
      if (encoding !== undefined) headers['content-encoding'] = encoding;
      const shape: Partial<RequestShape> = {
        method: route.route.split(' ')[0]!,
        path: route.path(asUrlText(id)),
        route: route.route.endsWith('$default') ? '$default' : route.route.split(' ')[1]!,
        pathParameters: 'id' in route ? { id: asUrlText(id) } : undefined,
        query: queryStringParameters,
        rawQuery: rawQueryString,
        headers,
        body: body as string,
      };
      const before = await tableDigest();
      const started = performance.now();
      const reply = await container.invoke(route.handler, shape);
      const elapsedMs = performance.now() - started;
      seen.set(reply.status, (seen.get(reply.status) ?? 0) + 1);

      const documented = documentedStatuses[route.route.endsWith('$default') ? '$default' : route.route]!.includes(reply.status);
      if (!documented) throw new Error(`${route.route} answered ${reply.status}, which it does not document: ${reply.raw.slice(0, 300)}`);
      expect(elapsedMs).toBeLessThan(2000);
      const after = await tableDigest();
      if (reply.status >= 400) {
        expect(reply.headers['content-type']).toBe('application/problem+json');
        expectProblemBody(reply.body, reply.status);
        if (reply.body.errors) {
          expect(reply.body.errors.length).toBeGreaterThan(0);
          for (const issue of reply.body.errors) expect(issue).toEqual({ field: expect.any(String), message: expect.any(String) });
        }
        expect(after).toEqual(before);
      } else if (route.route === 'POST /api/test-contacts') {
        expect(Number(after.n)).toBe(Number(before.n) + 1);
      } else if (route.route === 'DELETE /api/test-contacts/{id}') {
        expect(Number(after.n)).toBe(Number(before.n) - 1);
      } else if (route.route !== 'PUT /api/test-contacts/{id}') {
        expect(after).toEqual(before);
      }
    }),
    fuzzParameters(3000),
  );
  // The generator reached the interesting answers, not only one kind of rejection.
  for (const status of [200, 201, 204, 400, 404, 409, 413, 415]) expect([status, (seen.get(status) ?? 0) > 0]).toEqual([status, true]);
  console.log(`hostile input, in process: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
});
