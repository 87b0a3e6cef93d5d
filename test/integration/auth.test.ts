import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { apiFunctions, catalog, securedFunctions } from '../../resources/functions';
import { signToken } from '../../src/local/token-issuer';
import { testContacts } from '../fixtures/api/test-contacts/resource';
import { allScopes, testToken } from '../support/auth';
import { handlerNameOf, loadContainer, type Container } from '../support/containers';
import type { Reply, RequestShape } from '../support/events';
import { count, startTestDatabase, type TestDatabase } from '../support/postgres';
import { serveSecrets, type LocalSecrets } from '../support/service-env';
import { serviceName } from '../support/names';

let database: TestDatabase;
let secrets: LocalSecrets;
let container: Container;
let existingId: string;
const json = { 'content-type': 'application/json' };
const contacts = () => count(database.admin, 'select count(*) as n from test_contacts');

/** A request each secured function accepts with a valid token: a new email for each create. */
function requestFor(name: string): Partial<RequestShape> {
  const http = catalog[name]!.http as { method: string; path: string };
  const path = http.path.replace('{id}', existingId);
  const body = JSON.stringify({ email: `auth-${randomUUID()}@example.com`, name: 'Auth Test' });
  return {
    method: http.method,
    route: http.path,
    path,
    pathParameters: http.path.includes('{id}') ? { id: existingId } : undefined,
    headers: json,
    body: http.method === 'POST' || http.method === 'PUT' ? body : undefined,
  };
}

const send = (name: string, authorization?: string) =>
  container.invoke(handlerNameOf(name), {
    ...requestFor(name),
    anonymous: authorization === undefined,
    headers: { ...json, ...(authorization === undefined ? {} : { authorization }) },
  });

function expectRefused(reply: Reply, status: 401 | 403, error?: string) {
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toBe('application/problem+json');
  expect(reply.body).toMatchObject({ type: 'about:blank', status, title: status === 401 ? 'Unauthorized' : 'Forbidden' });
  const challenge = reply.headers['www-authenticate'];
  expect(challenge).toMatch(new RegExp(`^Bearer realm="${serviceName}"`));
  if (error) expect(challenge).toContain(`error="${error}"`);
  else expect(challenge).toBe(`Bearer realm="${serviceName}"`);
}

beforeAll(async () => {
  database = await startTestDatabase();
  secrets = await serveSecrets(database.secret);
  container = loadContainer();
  const created = await container.invoke('test-contacts/create', {
    method: 'POST',
    path: '/api/test-contacts',
    headers: json,
    body: JSON.stringify({ email: 'existing@example.com', name: 'Existing' }),
  });
  expect(created.status).toBe(201);
  existingId = created.body.id;
});

afterAll(async () => {
  await secrets?.close();
  await database?.stop();
});

const otherKey = { kid: randomUUID(), privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey };
const header = (token: string) => `Bearer ${token}`;
const badTokens: [string, () => string | undefined, 401, string | undefined][] = [
  ['no Authorization header', () => undefined, 401, undefined],
  ['a Basic header', () => 'Basic dXNlcjpwYXNz', 401, undefined],
  ['a malformed token', () => header('not-a-jwt'), 401, 'invalid_token'],
  ['an expired token', () => header(testToken({ now: Date.now() - 7200_000 })), 401, 'invalid_token'],
  ['a forged token (signed by another key)', () => header(signToken(otherKey, { scopes: allScopes() })), 401, 'invalid_token'],
  [
    'an alg: none token',
    () => {
      const [, payload] = testToken().split('.');
      return header(`${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`);
    },
    401,
    'invalid_token',
  ],
  ['a token of another issuer', () => header(testToken({ claims: { iss: 'https://issuer.example.com' } })), 401, 'invalid_token'],
  ['a token for another client', () => header(testToken({ clientId: 'another-app' })), 401, 'invalid_token'],
  ['a token for another audience', () => header(testToken({ claims: { client_id: undefined, aud: 'another-api' } })), 401, 'invalid_token'],
];

describe.each(securedFunctions)('%s', (name) => {
  const scope = catalog[name]!.scope!;
  const otherScopes = allScopes().filter((other) => other !== scope);

  it.each(badTokens)('refuses %s with %i and writes nothing', async (_case, authorization, status, error) => {
    const before = await contacts();
    expectRefused(await send(name, authorization()), status, error);
    expect(await contacts()).toBe(before);
  });

  it(`refuses a valid token without ${scope} with 403 insufficient_scope, and writes nothing`, async () => {
    const before = await contacts();
    const reply = await send(name, header(testToken({ scopes: otherScopes })));
    expectRefused(reply, 403, 'insufficient_scope');
    expect(reply.headers['www-authenticate']).toContain(`scope="${serviceName}/${scope}"`);
    expect(await contacts()).toBe(before);
  });
});

// Served with the one scope it names: the tests' own resource's routes, whose requests this file knows how to make.
describe.each(Object.values(testContacts.routes).map((route) => route.functionName))('%s', (name) => {
  const scope = catalog[name]!.scope!;

  it(`serves a token that holds ${scope} only`, async () => {
    const reply = await send(name, header(testToken({ scopes: [scope] })));
    expect([200, 201, 204]).toContain(reply.status);
    if (name === 'testContactsDelete') {
      // Put the contact back for the routes that follow.
      const again = await container.invoke('test-contacts/create', {
        method: 'POST',
        path: '/api/test-contacts',
        headers: json,
        body: JSON.stringify({ email: `existing-${randomUUID()}@example.com`, name: 'Existing' }),
      });
      existingId = again.body.id;
    }
  });
});

describe('routes without a scope', () => {
  it('leaves the health checks and the API contract open to anyone', async () => {
    const open = apiFunctions.filter((name) => !catalog[name]!.scope && name !== 'notFound');
    expect(open).toEqual(['healthLive', 'healthReady', 'health', 'openapi', 'docs', 'docsAssets']);
    for (const name of open) {
      const http = catalog[name]!.http as { path: string };
      const pathParameters = http.path.includes('{file}') ? { file: 'start.js' } : undefined;
      expect((await container.invoke(handlerNameOf(name), { path: http.path, pathParameters, anonymous: true })).status).toBe(200);
    }
  });
});

describe('the caller in the logs', () => {
  it('is on every log line of the request, and the token never is', async () => {
    const token = testToken({ subject: 'user-in-logs', clientId: 'local-browser' });
    const lines: string[] = [];
    const previous = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
    const logged = loadContainer();
    const streams = [process.stdout, process.stderr];
    const writes = streams.map((stream) => stream.write);
    for (const stream of streams) stream.write = ((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0) as typeof stream.write;
    try {
      // A rejected body (400) and a refused token (403): each writes a line for its request.
      const invalid = await logged.invoke('test-contacts/create', {
        method: 'POST',
        path: '/api/test-contacts',
        headers: { ...json, authorization: header(token) },
        body: '{"email":"not-an-email"}',
      });
      expect(invalid.status).toBe(400);
      const refused = await logged.invoke('test-contacts/create', {
        method: 'POST',
        path: '/api/test-contacts',
        headers: { ...json, authorization: header(testToken({ scopes: ['test-contacts.read'] })) },
        body: '{}',
      });
      expect(refused.status).toBe(403);
    } finally {
      streams.forEach((stream, index) => (stream.write = writes[index]!));
      process.env.POWERTOOLS_LOG_LEVEL = previous;
    }
    const records = lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, any>);
    const rejected = records.filter((record) => record.message === 'request rejected');
    expect(rejected.map((record) => record.statusCode)).toEqual([400, 403]);
    expect(rejected[0]!.caller).toEqual({
      subject: 'user-in-logs',
      clientId: 'local-browser',
      scopes: allScopes().map((scope) => `${serviceName}/${scope}`),
    });
    // The refused request's line carries no caller: the keys of the previous request were reset.
    expect(rejected[1]!.caller).toBeUndefined();
    expect(lines.join('')).not.toContain(token.split('.')[2]);
    expect(lines.join('')).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });
});
