import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { browserUnavailable, launchChromium } from '../support/browser';
import { contract } from '../support/contract';
import { contractDriveParameters, driveFromContract, expectDriven } from '../support/contract-requests';
import { openApiLinterFindings } from '../support/openapi-linters';
import { printedToken, rawRequest, request, startOfflineOnTestDatabase, type OfflineOnDatabase, type Reply } from '../support/offline';
import { resources } from '../../src/api/registry';
import { clientFor } from '../../scripts/resource-files';
import { testContacts } from '../fixtures/api/test-contacts/resource';

jest.setTimeout(300_000);

const run = promisify(execFile);

/**
 * openapi.json against the running service (sls offline): every 4xx a route documents really
 * happens, and the docs page renders every route in a real browser. Every response these tests
 * receive is also checked against the contract by `request` itself.
 */
let local: OfflineOnDatabase;

beforeAll(async () => {
  local = await startOfflineOnTestDatabase();
});

afterAll(() => local?.stop());

const json = { 'content-type': 'application/json' };
let unique = 0;
const userBody = (label = 'walk') => JSON.stringify({ email: `${label}-${(unique += 1)}@example.com`, name: `Walk ${unique}` });

async function newUser(): Promise<{ id: string; email: string }> {
  const reply = await request(local.offline, 'POST', '/api/test-contacts', { headers: json, body: userBody() });
  expect(reply.status).toBe(201);
  return reply.body;
}

type Recipe = (method: string, template: string) => Promise<Reply | Reply[]>;

/** How to make each documented 4xx happen on any route that documents it. */
const recipes: Record<string, Recipe> = {
  400: async (method, template) => {
    const target = template.includes('{id}') ? template.replace('{id}', (await newUser()).id) : template;
    if (method === 'GET') return request(local.offline, method, `${target}?limit=0`);
    // A delete takes no body: its only 400 is an Idempotency-Key the header's pattern refuses.
    if (method === 'DELETE') return request(local.offline, method, target, { headers: { 'idempotency-key': '""' } });
    return request(local.offline, method, target, { headers: json, body: '{"email":"not an address","name":""}' });
  },
  401: async (method, template) => request(local.offline, method, template.replace('{id}', randomUUID()), { anonymous: true }),
  403: async (method, template) =>
    request(local.offline, method, template.replace('{id}', randomUUID()), {
      headers: { authorization: local.offline.authorization({ scopes: [] }) },
    }),
  404: async (method, template) => {
    const target = template.replace('{id}', randomUUID()).replace('{file}', 'nothing.js');
    return request(local.offline, method, target, method === 'PUT' ? { headers: json, body: userBody() } : {});
  },
  409: async (method, template) => {
    const taken = await newUser();
    if (method === 'POST')
      return request(local.offline, method, template, { headers: json, body: JSON.stringify({ email: taken.email, name: 'Again' }) });
    if (method === 'PUT') {
      const target = template.replace('{id}', (await newUser()).id);
      return request(local.offline, method, target, { headers: json, body: JSON.stringify({ email: taken.email, name: 'Taken' }) });
    }
    // A delete's only 409: a retry while the first request with its key is still running.
    const replies: Reply[] = [];
    for (let round = 0; round < 10 && !replies.some((reply) => reply.status === 409); round += 1) {
      const target = template.replace('{id}', (await newUser()).id);
      const key = randomUUID();
      replies.push(
        ...(await Promise.all(
          Array.from({ length: 4 }, () => request(local.offline, method, target, { headers: { 'idempotency-key': key } })),
        )),
      );
    }
    return replies;
  },
  413: async (method, template) =>
    request(local.offline, method, template.replace('{id}', randomUUID()), {
      headers: json,
      body: JSON.stringify({ email: 'big@example.com', name: 'x'.repeat(70 * 1024) }),
    }),
  415: async (method, template) =>
    request(local.offline, method, template.replace('{id}', randomUUID()), { headers: { 'content-type': 'text/plain' }, body: 'plain' }),
  422: async (method, template) => {
    const key = { 'idempotency-key': randomUUID() };
    if (method === 'DELETE') {
      await request(local.offline, method, template.replace('{id}', (await newUser()).id), { headers: key });
      return request(local.offline, method, template.replace('{id}', (await newUser()).id), { headers: key });
    }
    const target = template.replace('{id}', (await newUser()).id);
    await request(local.offline, method, target, { headers: { ...json, ...key }, body: userBody() });
    return request(local.offline, method, target, { headers: { ...json, ...key }, body: userBody() });
  },
};

// API Gateway's throttling answers 429 before a function runs: sls offline has no gateway limits, and the template
// tests assert the deployed stages' throttling.
const answeredByTheGateway = ['429'];

/** The paths of the service's own resources, which their own contract tests walk: these recipes make test contacts. */
const servicePaths = resources.filter((resource) => resource !== testContacts).map((resource) => resource.path);
const ownedByTheService = (template: string) => servicePaths.some((path) => template === path || template.startsWith(`${path}/`));

it("makes every documented 4xx of the platform's and the test resource's operations happen", async () => {
  const walked: string[] = [];
  for (const [template, item] of Object.entries(contract.paths as Record<string, Record<string, { responses: object }>>)) {
    if (ownedByTheService(template)) continue;
    for (const [method, operation] of Object.entries(item)) {
      const documented = Object.keys(operation.responses).filter((code) => code.startsWith('4') && !answeredByTheGateway.includes(code));
      for (const status of documented) {
        const recipe = recipes[status];
        expect({ status, recipe: Boolean(recipe) }).toEqual({ status, recipe: true });
        const replies = [await recipe!(method.toUpperCase(), template)].flat();
        const statuses = replies.map((reply) => reply.status);
        expect({ case: `${method.toUpperCase()} ${template} ${status}`, happened: statuses.includes(Number(status)) }).toEqual({
          case: `${method.toUpperCase()} ${template} ${status}`,
          happened: true,
        });
        walked.push(`${method} ${template} ${status}`);
      }
    }
  }
  // 401 and 403 on each of the five test contacts routes, and the body, key and lookup failures.
  expect(walked.length).toBeGreaterThanOrEqual(25);
});

it('answers requests made from the contract alone as the contract says, on every operation and every other method', async () => {
  const result = await driveFromContract(
    (method, target, headers, body) => rawRequest(local.offline, method, target, headers, body),
    contractDriveParameters(),
  );
  expectDriven(result, 'PostgreSQL');
});

it('serves the document and its rendering without a token', async () => {
  const document = await request(local.offline, 'GET', '/api/openapi.json', { anonymous: true });
  expect(document.status).toBe(200);
  expect(document.body).toEqual(contract);
  expect(await openApiLinterFindings(document.text)).toEqual([]);
  const page = await request(local.offline, 'GET', '/api/docs', { anonymous: true });
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  // Brotli-compressed to a browser (fetch decompresses it), as text to a client that takes no coding.
  const renderer = fs.readFileSync(require.resolve('swagger-ui-dist/swagger-ui-bundle.js'), 'utf8');
  for (const [acceptEncoding, contentEncoding] of [
    ['gzip, deflate, br, zstd', 'br'],
    ['identity', null],
  ]) {
    const script = await request(local.offline, 'GET', '/api/docs/swagger-ui-bundle.js', {
      anonymous: true,
      headers: { 'accept-encoding': acceptEncoding! },
    });
    expect([acceptEncoding, script.status, script.headers.get('content-encoding')]).toEqual([acceptEncoding, 200, contentEncoding]);
    expect(script.text).toBe(renderer);
  }
});

if (browserUnavailable) console.warn(`${browserUnavailable}: the docs page's browser test is skipped`);
(browserUnavailable ? describe.skip : describe)('the docs page in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(() => browser?.close());

  it('lists every route of the document, loading nothing from another origin', async () => {
    const page = await browser.newPage();
    const elsewhere: string[] = [];
    const errors: string[] = [];
    page.on('request', (sent) => {
      if (!sent.url().startsWith(local.offline.url)) elsewhere.push(sent.url());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${local.offline.url}/api/docs`);
    await page.waitForSelector('.opblock', { timeout: 30_000 });
    const listed = await page.$$eval('.opblock-summary', (blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent?.trim().toLowerCase();
        const route = block.querySelector('.opblock-summary-path')?.getAttribute('data-path');
        return `${method} ${route}`;
      }),
    );
    const documented = Object.entries(contract.paths as Record<string, object>).flatMap(([route, item]) =>
      Object.keys(item).map((method) => `${method} ${route}`),
    );
    expect(listed.sort()).toEqual(documented.sort());
    const screenshots = path.resolve(__dirname, '../../test-results');
    fs.mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, 'docs.png'), fullPage: true });
    expect(fs.statSync(path.join(screenshots, 'docs.png')).size).toBeGreaterThan(10_000);
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('the typed client (npm run client, and client/<resource>.ts that npm run new:resource writes)', () => {
  const root = path.resolve(__dirname, '../..');
  let frontend: string;
  // A frontend's code, compiled as a browser app compiles it: the generated types, the client, and what it does.
  const compilerOptions = { target: 'ES2022', lib: ['ES2022', 'DOM'], module: 'ESNext', moduleResolution: 'bundler', strict: true };
  const walk = `
import { ApiError, testContactsClient } from './test-contacts';

const statusOf = (call: Promise<unknown>) => call.then(() => 0, (error: ApiError) => [error.status, error.message]);

export async function walk(baseUrl: string, token: string) {
  const contacts = testContactsClient(baseUrl, () => token);
  const email = 'typed-' + crypto.randomUUID() + '@example.com';
  const created = await contacts.create({ email, name: 'Typed Client' });
  const read = await contacts.get(created.id);
  const listed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await contacts.list({ limit: 100, ...(cursor && { cursor }) });
    listed.push(...page.items.map((contact) => contact.id));
    cursor = page.next ?? undefined;
  } while (cursor);
  const replaced = await contacts.replace(created.id, { email, name: 'Typed Again' });
  const twin = await statusOf(contacts.create({ email, name: 'Twin' }));
  await contacts.remove(created.id);
  return {
    email,
    created,
    read,
    listed: listed.includes(created.id),
    replaced,
    twin,
    removed: await statusOf(contacts.get(created.id)),
    badLimit: await statusOf(contacts.list({ limit: 0 })),
    anonymous: await statusOf(testContactsClient(baseUrl, () => 'not-a-token').get(created.id)),
  };
}
`;
  const compile = (files: string[]) => {
    fs.writeFileSync(
      path.join(frontend, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true, types: [] }, files }),
    );
    return run(path.join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: frontend }).then(
      () => '',
      (failed: { stdout?: string }) => failed.stdout ?? String(failed),
    );
  };

  beforeAll(async () => {
    frontend = fs.mkdtempSync(path.join(os.tmpdir(), 'frontend-'));
    // This file's environment (jest's copy of it), with the tests' own resource in the contract.
    await run('npm', ['run', 'client', '--', '--output', path.join(frontend, 'api.d.ts')], { cwd: root, env: process.env });
    fs.writeFileSync(path.join(frontend, 'test-contacts.ts'), clientFor('test-contacts'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(frontend, 'node_modules'));
    fs.writeFileSync(path.join(frontend, 'walk.ts'), walk);
  });

  afterAll(() => frontend && fs.rmSync(frontend, { recursive: true, force: true }));

  it('is generated, type-checks as a browser frontend compiles it, and refuses a wrong call', async () => {
    expect(await compile(['api.d.ts', 'test-contacts.ts', 'walk.ts'])).toBe('');
    // Calls a frontend could get wrong, one a line: the generated types must refuse every one.
    const header = [
      "import createClient from 'openapi-fetch';",
      "import type { paths } from './api';",
      "import { testContactsClient } from './test-contacts';",
      "const api = createClient<paths>({ baseUrl: 'http://127.0.0.1:3000' });",
    ];
    const wrongCalls = [
      "void api.POST('/api/test-contacts', { body: { email: 'ada@example.com' } });",
      "void api.GET('/api/user/{id}', { params: { path: { id: 'x' } } });",
      "void api.GET('/api/test-contacts', { params: { query: { limit: 'ten' } } });",
      "void testContactsClient('http://127.0.0.1:3000', () => 'token').get(42);",
    ];
    fs.writeFileSync(path.join(frontend, 'wrong.ts'), [...header, ...wrongCalls].join('\n'));
    const errors = await compile(['api.d.ts', 'test-contacts.ts', 'wrong.ts']);
    const refused = [...errors.matchAll(/^(\S+)\((\d+),\d+\): error/gm)].map(([, file, line]) => `${file}:${line}`);
    expect([...new Set(refused)]).toEqual(wrongCalls.map((_call, index) => `wrong.ts:${header.length + index + 1}`));
  });

  it('creates, reads, lists, replaces and deletes a contact against sls offline, with a token of npm run token', async () => {
    const token = await printedToken(local.localDir, 'test-contacts.read,test-contacts.write');
    fs.writeFileSync(
      path.join(frontend, 'run.mjs'),
      "import { walk } from './walk.ts';\nconsole.log(JSON.stringify(await walk(process.argv[2], process.argv[3])));\n",
    );
    const { stdout } = await run(process.execPath, [require.resolve('tsx/cli'), 'run.mjs', local.offline.url, token], { cwd: frontend });
    const walked = JSON.parse(stdout);
    expect(walked.created).toMatchObject({ email: walked.email, name: 'Typed Client' });
    expect(walked.read).toEqual(walked.created);
    expect(walked.listed).toBe(true);
    expect(walked.replaced).toMatchObject({ id: walked.created.id, name: 'Typed Again' });
    expect(walked.twin).toEqual([409, expect.stringContaining('email')]);
    expect(walked.removed).toEqual([404, 'No test contact has this id']);
    expect(walked.badLimit).toEqual([400, expect.any(String)]);
    expect(walked.anonymous).toEqual([401, expect.any(String)]);
  });
});
