import fc from 'fast-check';
import {
  contentEncoding,
  contentType,
  documentedStatuses,
  fuzzParameters,
  fuzzTimeoutMs,
  hostileBody,
  pathId,
  percentEncode,
  queryOf,
  queryPairs,
} from '../support/hostile-input';
import { rawRequest, startOfflineOnTestDatabase, type OfflineOnDatabase, type OfflineServer } from '../support/offline';
import type { TestDatabase } from '../support/postgres';
import { expectProblemBody } from '../support/problems';

jest.setTimeout(fuzzTimeoutMs);

/** The generated hostile input of test/integration/hostile-input.test.ts, over HTTP through sls offline. */
let database: TestDatabase;
let offline: OfflineServer;
let local: OfflineOnDatabase;

beforeAll(async () => {
  local = await startOfflineOnTestDatabase();
  ({ database, offline } = local);
});

afterAll(() => local?.stop());

const routes = [
  { route: 'POST /api/test-contacts', target: () => '/api/test-contacts' },
  { route: 'GET /api/test-contacts', target: () => '/api/test-contacts' },
  { route: 'GET /api/test-contacts/{id}', target: (id: string) => `/api/test-contacts/${percentEncode(id)}` },
  { route: 'PUT /api/test-contacts/{id}', target: (id: string) => `/api/test-contacts/${percentEncode(id)}` },
  { route: 'DELETE /api/test-contacts/{id}', target: (id: string) => `/api/test-contacts/${percentEncode(id)}` },
] as const;

const rows = async () =>
  (
    await database.admin.query<{ digest: string | null }>(
      "select md5(string_agg(id::text || email || name, ',' order by id)) as digest from test_contacts",
    )
  ).rows[0]!.digest;

const hapiError = /^\{"statusCode":400,"error":"Bad Request","message":"Invalid content-type header"\}$/;

it('answers generated hostile requests over HTTP with documented statuses and problem documents, never a 500', async () => {
  const seen = new Map<number, number>();
  let hapiRejected = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        route: fc.constantFrom(...routes),
        id: pathId,
        pairs: queryPairs,
        body: hostileBody,
        type: contentType,
        encoding: contentEncoding,
      }),
      async ({ route, id, pairs, body, type, encoding }) => {
        const [method, pattern] = route.route.split(' ') as [string, string];
        const { rawQueryString } = queryOf(pairs);
        const headers: Record<string, string> = {};
        if (type !== undefined) headers['content-type'] = type;
        if (encoding !== undefined) headers['content-encoding'] = encoding;
        // A path segment that is empty or a dot segment addresses another route: skip what the client itself would rewrite.
        fc.pre(!pattern.includes('{id}') || !['', '.', '..'].includes(id));
        const target = `${route.target(id)}${rawQueryString ? `?${rawQueryString}` : ''}`;
        // API Gateway itself refuses a request line over 10 KB, as Node.js's parser does over 16 KB: neither reaches a function.
        fc.pre(target.length < 8 * 1024);
        const before = await rows();
        const started = performance.now();
        // hapi also refuses any body on a GET or DELETE, which API Gateway would pass through (and these routes ignore).
        const reply = await rawRequest(offline, method, target, headers, method === 'GET' || method === 'DELETE' ? undefined : body);
        const elapsedMs = performance.now() - started;
        // sls offline's HTTP layer (hapi) refuses a Content-Type it cannot parse before any function runs; API Gateway
        // passes it through. Such answers are hapi's own 400, never a 500,
        // and write nothing (docs/local-development.md, "What sls offline answers itself").
        if (reply.status === 400 && hapiError.test(reply.text)) {
          hapiRejected += 1;
          expect(await rows()).toBe(before);
          return;
        }
        seen.set(reply.status, (seen.get(reply.status) ?? 0) + 1);
        const documented = documentedStatuses[route.route]!.includes(reply.status);
        if (!documented)
          throw new Error(`${route.route} answered ${reply.status}, which it does not document: ${reply.text.slice(0, 300)}`);
        expect(elapsedMs).toBeLessThan(5000);
        if (reply.status >= 400) {
          expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
          expectProblemBody(JSON.parse(reply.text), reply.status);
          expect(await rows()).toBe(before);
        }
      },
    ),
    fuzzParameters(400),
  );
  for (const status of [200, 400, 404, 415]) expect([status, (seen.get(status) ?? 0) > 0]).toEqual([status, true]);
  console.log(`hostile input, over sls offline: ${JSON.stringify(Object.fromEntries([...seen].sort()))}; refused by hapi: ${hapiRejected}`);
});
