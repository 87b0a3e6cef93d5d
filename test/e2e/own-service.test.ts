import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { documentDbMissing } from '../support/documentdb';
import { printedToken, startOffline, type OfflineServer } from '../support/offline';
import { bundledModules } from '../support/lambda-runtime';
import { copyProject } from '../support/project-copy';
import { testCondition } from '../../scripts/test-conditions.cjs';
import { titleOf } from '../../scripts/rename';
import { databaseNamesOf } from '../../src/lib/storage/database-names';
import { databaseNames, serviceName } from '../support/names';
import { cfnLintFindings, packageStage } from '../support/template';

const root = path.resolve(__dirname, '../..');
const json = { 'content-type': 'application/json' };

/** Every file of the copy but node_modules, by its path, with a hash of its content. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const file = path.join(relative, entry.name);
      if (entry.name === 'node_modules' || entry.name === '.local') continue;
      if (entry.isDirectory()) walk(file);
      else
        files.set(
          file,
          createHash('sha256')
            .update(fs.readFileSync(path.join(dir, file)))
            .digest('hex'),
        );
    }
  };
  walk('');
  return files;
}

/** The paths that differ between two snapshots: created, changed or removed. */
const changed = (before: Map<string, string>, after: Map<string, string>) =>
  [...new Set([...before.keys(), ...after.keys()])].filter((file) => before.get(file) !== after.get(file)).sort();

/** The service's resources as its registry lists them (src/api/resources.ts): what the team removes. */
const ownResources = [
  ...fs.readFileSync(path.join(root, 'src/api/resources.ts'), 'utf8').matchAll(/^export \{ \w+ \} from '\.\/([a-z0-9-]+)\/resource';$/gm),
].map(([, name]) => name!);
/** The name it takes: one it does not have. */
const newName = (serviceName as string) === 'parcel-desk' ? 'parcel-post' : 'parcel-desk';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const camelCase = (name: string) => name.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

/** What a file says of the service as it was: its name (as written, in the database's names, as a title), and its resources. */
const oldTraces = new RegExp(
  [
    serviceName,
    databaseNames.login,
    titleOf(serviceName),
    ...ownResources.flatMap((name) => [
      `/api/${name}\\b`,
      `\\b${name}\\.(?:read|write)\\b`,
      `src/api/${name}\\b`,
      `client/${name}\\b`,
      `\\b${camelCase(name)}(?:Get|Create|List|Update|Delete|Client)\\b`,
    ]),
  ]
    .map((part, index) => (index < 3 ? escape(part) : part))
    .join('|'),
);
/** History, which keeps every name it had: the migrations a database has applied, and the guide's examples of moving. */
const history = (file: string) => file.startsWith('migrations/') || file === 'docs/migrating-from-app-runner.md';

/** The copy's files (but node_modules and .local) that still say something of the service as it was, with the line. */
function traces(dir: string): string[] {
  return [...snapshot(dir).keys()]
    .filter((file) => !history(file) && !file.startsWith('.git/'))
    .flatMap((file) => {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      return text.split('\n').flatMap((line, index) => (oldTraces.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : []));
    });
}

/**
 * The environment a jest of the copy starts from: the machine's, without what this file's test environment set for
 * this service (its name, its tokens' issuer, its conditions), which the copy's own sets for its own.
 */
function ownEnvironment(): NodeJS.ProcessEnv {
  const machine = ['PATH', 'HOME', 'TMPDIR', 'XDG_CACHE_HOME', 'GOCACHE', 'GOMODCACHE', 'GOPATH', 'LANG'];
  return { ...Object.fromEntries(machine.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : []))), CI: 'true' };
}

/**
 * A team's own service, made in a copy of the project as it stands, as a team would: it renames the service
 * (`npm run rename`), removes its resources (`npm run remove:resource`; at first the example, `users`) and adds two
 * resources of its own (`npm run new:resource`). What each command refuses and touches; that nothing says the example any more; that the
 * platform's own tests still pass there; and that the service typechecks, packages, passes its resources' contracts on
 * both engines, and serves only its own resources under its own scopes.
 */
describe("a team's own service: renamed, its resources removed, two of its own added", () => {
  let copy: string;
  let before: Map<string, string>;
  const script =
    (file: string) =>
    (...args: string[]) =>
      spawnSync(process.execPath, [require.resolve('tsx/cli'), `scripts/${file}`, ...args], { cwd: copy, encoding: 'utf8' });
  const rename = script('rename.ts');
  const removeResource = script('remove-resource.ts');
  const newResource = script('new-resource.ts');
  const expectRefused = (run: ReturnType<typeof rename>, message: RegExp) => {
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(changed(before, snapshot(copy))).toEqual([]);
  };

  // The copy is the team's service as npm start and a deploy see it: without the tests' own resource, which the
  // processes this file starts would otherwise add (scripts/test-conditions.cjs). Its own jest adds it again.
  const nodeOptions = process.env.NODE_OPTIONS;
  beforeAll(() => {
    process.env.NODE_OPTIONS = (nodeOptions ?? '').replace(`--conditions=${testCondition}`, '').trim();
    copy = copyProject('api-own-service-');
    before = snapshot(copy);
  });
  afterAll(() => {
    process.env.NODE_OPTIONS = nodeOptions;
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it.each([
    [[], /^Usage: npm run rename -- <name>/],
    [['Parcel_Desk'], /^"Parcel_Desk" is not a service name/],
    [[serviceName], new RegExp(`^the service is called ${serviceName} already$`, 'm')],
    [['aws-parcels'], /Cognito refuses "aws"/],
    [['parcel-desk-with-a-name-much-too-long-for-lambda'], /is too long for AWS: .* \(\d+ characters, AWS takes 64\)/],
    [['postgres'], /which RDS and PostgreSQL keep for themselves/],
  ])('refuses to rename the service %j, saying why, and changes nothing', (args, message) => expectRefused(rename(...args), message));

  it.each([
    [[], /^Usage: npm run remove:resource -- <name>/],
    [['orders'], /^orders is not a resource of this service: no src\/api\/orders\/resource.ts$/m],
    [['Users'], /^"Users" is not a resource name/],
  ])('refuses to remove %j, saying why, and changes nothing', (args, message) => expectRefused(removeResource(...args), message));

  it.each([
    [[], /^Usage: npm run new:resource -- <name>/],
    [['Orders'], /^"Orders" is not a resource name: kebab-case and plural/],
    [['order_items'], /^"order_items" is not a resource name/],
    [['order'], /^"order" is not a resource name/],
    [['docs'], /^\/api\/docs is a route of the platform's own/],
    [['test-contacts'], /^test-contacts is the platform's tests' own resource/],
  ])('refuses to make %j, saying why, and changes nothing', (args, message) => expectRefused(newResource(...args), message));

  it('renames the service where it is written, and its docs', () => {
    const run = rename(newName);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const touched = changed(before, snapshot(copy));
    expect(touched).toEqual(expect.arrayContaining(['src/api/service.ts', 'package.json', 'package-lock.json', 'README.md']));
    expect(touched.filter((file) => !/^(src\/api\/service\.ts|package(-lock)?\.json|README\.md|docs\/[^/]+\.md)$/.test(file))).toEqual([]);
    expect(fs.readFileSync(path.join(copy, 'src/api/service.ts'), 'utf8')).toMatch(
      new RegExp(`^export const serviceName = '${newName}';$`, 'm'),
    );
    expect(JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')).name).toMatch(new RegExp(`^${newName}\\b`));
    for (const line of run.stdout.split('\n').filter((text) => text.startsWith('  '))) expect(touched).toContain(line.trim());
  });

  it.each(ownResources)('removes %s: its folder, its client and its line of the registry, and keeps its migrations', (name) => {
    const start = snapshot(copy);
    const run = removeResource(name);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const touched = changed(start, snapshot(copy));
    const client = start.has(`client/${name}.ts`) ? [`client/${name}.ts`] : [];
    expect(touched.filter((file) => !file.startsWith(`src/api/${name}/`))).toEqual([...client, 'src/api/resources.ts']);
    expect(fs.existsSync(path.join(copy, 'src/api', name))).toBe(false);
    if (fs.readdirSync(path.join(copy, 'migrations')).some((file) => file.endsWith(`_create-${name}.sql`)))
      expect(run.stdout).toMatch(
        new RegExp(`Its migrations stay, as every database that applied them records them: .*migrations/\\d+_create-${name}\\.sql`),
      );
    before = snapshot(copy);
    expectRefused(removeResource(name), new RegExp(`^${name} is not a resource of this service`, 'm'));
  });

  it('with no resource at all, starts and serves its health, contract and docs routes', async () => {
    const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-own-service-local-'));
    let offline: OfflineServer | undefined;
    try {
      offline = await startOffline(localDir, 120_000, [], copy);
      for (const route of ['/api/health/live', '/api/health', '/api/openapi.json', '/api/docs'])
        expect({ route, status: (await fetch(offline.url + route, { signal: AbortSignal.timeout(10_000) })).status }).toEqual({
          route,
          status: 200,
        });
      const contract = (await (await fetch(`${offline.url}/api/openapi.json`, { signal: AbortSignal.timeout(10_000) })).json()) as {
        paths: object;
      };
      expect(Object.keys(contract.paths).filter((route) => !/^\/api\/(health|docs|openapi)/.test(route))).toEqual([]);
      for (const name of ownResources)
        expect((await fetch(`${offline.url}/api/${name}`, { signal: AbortSignal.timeout(10_000) })).status).toBe(404);
    } finally {
      await offline?.stop();
      fs.rmSync(localDir, { recursive: true, force: true });
    }
  });

  it('makes orders and line-items, each in its own folder with its migration, client and line of the registry', () => {
    for (const name of ['orders', 'line-items']) {
      const start = snapshot(copy);
      const run = newResource(name);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const touched = changed(start, snapshot(copy));
      const own = new RegExp(`^(src/api/${name}/.+|migrations/\\d+_create-${name}\\.sql|client/${name}\\.ts|src/api/resources\\.ts)$`);
      expect(touched.filter((file) => !own.test(file))).toEqual([]);
      for (const file of ['model.ts', 'resource.ts', 'repository.ts', 'indexes.ts', 'contract.test.ts'])
        expect(touched).toContain(`src/api/${name}/${file}`);
      for (const route of ['create', 'list', 'get', 'update', 'delete']) expect(touched).toContain(`src/api/${name}/handlers/${route}.ts`);
      for (const line of run.stdout.split('\n').filter((text) => text.startsWith('  '))) expect(touched).toContain(line.trim());
      before = snapshot(copy);
      expectRefused(newResource(name), new RegExp(`^${name} exists already: src/api/${name}$`, 'm'));
    }
    expect(
      fs
        .readFileSync(path.join(copy, 'src/api/resources.ts'), 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('export')),
    ).toEqual(["export { orders } from './orders/resource';", "export { lineItems } from './line-items/resource';"]);
  });

  it('says nothing of the example any more, but in the history of its migrations and the guide of moving', () => {
    expect(traces(copy)).toEqual([]);
    // The check can fail: the project as it stands says it in many places.
    expect(traces(root).length).toBeGreaterThan(10);
  });

  it('typechecks and lints as the project does', async () => {
    await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', '.'], { cwd: copy });
    await promisify(execFile)(
      process.execPath,
      [
        path.join(path.dirname(require.resolve('eslint/package.json')), 'bin/eslint.js'),
        '--max-warnings=0',
        'src/api',
        'scripts',
        'client',
      ],
      { cwd: copy },
    );
  });

  it("passes the platform's own tests there, on its test resource, with none of the resources it had", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--colors=false', 'test/integration/handlers.test.ts', 'test/infrastructure/openapi.test.ts'],
      { cwd: copy, env: ownEnvironment() },
    );
    expect(`${stdout}${stderr}`).toMatch(/Test Suites: 2 passed, 2 total/);
  });

  // Every stage: what else differs between them is the same for every resource, and template.test.ts checks it.
  it.each([['dev'], ['staging'], ['prod']])(
    'packages %s under its new name with its resources routes, scopes and alarms, each route with its own resource only, and cfn-lint finds nothing',
    async (stage) => {
      const { template, dir } = await packageStage(stage, [], copy);
      try {
        for (const name of ['OrdersCreate', 'OrdersList', 'OrdersGet', 'OrdersUpdate', 'OrdersDelete', 'LineItemsGet']) {
          expect(template.Resources[`${name}LambdaFunction`]).toBeDefined();
          expect(template.Resources[`${name}LambdaFunction`]!.Properties.FunctionName).toMatch(new RegExp(`^${newName}-${stage}-`));
          expect(template.Resources[`${name}ErrorsAlarm`]).toBeDefined();
        }
        const server = template.Resources.UserPoolResourceServer!.Properties;
        expect(server.Identifier).toBe(newName);
        const scopes = server.Scopes.map((scope: { ScopeName: string }) => scope.ScopeName);
        expect(scopes.sort()).toEqual(['line-items.read', 'line-items.write', 'orders.read', 'orders.write']);
        expect(template.Resources.DatabaseCluster!.Properties).toMatchObject({
          DatabaseName: databaseNamesOf(newName).database,
          MasterUsername: databaseNamesOf(newName).master,
        });
        // A resource's routes bundle its own code, and no other resource's.
        expect(bundledModules(path.join(dir, 'ordersGet.zip')).filter((file) => file.startsWith('src/api/'))).toEqual(
          expect.arrayContaining(['src/api/orders/resource.ts', 'src/api/orders/repository.ts']),
        );
        expect(bundledModules(path.join(dir, 'ordersGet.zip')).filter((file) => file.startsWith('src/api/line-items/'))).toEqual([]);
        expect(bundledModules(path.join(dir, 'lineItemsGet.zip')).filter((file) => file.startsWith('src/api/orders/'))).toEqual([]);
        expect(cfnLintFindings(dir) ?? '').toBe('');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("passes its resources' contract tests on PostgreSQL, and on DocumentDB where its server can be had", async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        require.resolve('jest/bin/jest'),
        '--colors=false',
        '--verbose',
        'src/api/orders/contract.test.ts',
        'src/api/line-items/contract.test.ts',
      ],
      { cwd: copy, env: ownEnvironment() },
    );
    const report = stdout + stderr;
    for (const name of ['orders', 'line-items']) {
      expect(report).toMatch(new RegExp(`${name} on PostgreSQL`));
      if (!documentDbMissing) expect(report).toMatch(new RegExp(`${name} on DocumentDB`));
    }
    expect(report).toMatch(/Tests:\s+(\d+ skipped, )?\d+ passed/);
  });

  const engines = [['PostgreSQL', []]] as [string, string[]][];
  if (!documentDbMissing) engines.push(['DocumentDB', ['--param=dbEngine=documentdb', '--param=dbSsl=verify']]);
  it.each(engines)(
    'is served by sls offline on %s, its own resources only, with tokens that npm run token makes for its scopes',
    async (_engine, args) => {
      const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-own-service-local-'));
      let offline: OfflineServer | undefined;
      try {
        offline = await startOffline(localDir, 120_000, args, copy);
        const authorization = `Bearer ${await printedToken(localDir, 'orders.read,orders.write', copy)}`;
        const call = async (method: string, route: string, body?: unknown) => {
          const response = await fetch(offline!.url + route, {
            method,
            headers: { ...json, authorization },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(10_000),
          });
          const text = await response.text();
          return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
        };
        const created = await call('POST', '/api/orders', { name: '  First order ' });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ name: 'First order' });
        expect(created.headers.get('location')).toBe(`/api/orders/${created.body.id}`);
        expect((await call('GET', `/api/orders/${created.body.id}`)).body).toEqual(created.body);
        expect((await call('GET', '/api/orders')).body.items).toEqual([created.body]);
        expect((await call('PUT', `/api/orders/${created.body.id}`, { name: 'Renamed' })).body).toMatchObject({ name: 'Renamed' });
        expect((await call('POST', '/api/orders', { name: '' })).status).toBe(400);
        expect((await call('DELETE', `/api/orders/${created.body.id}`)).status).toBe(204);
        expect((await call('GET', `/api/orders/${created.body.id}`)).status).toBe(404);
        // Its scopes are its own: the token for orders reads no line items; and the resources it had are gone.
        expect((await call('GET', '/api/line-items')).status).toBe(403);
        for (const name of ownResources) expect((await call('GET', `/api/${name}`)).status).toBe(404);
        const refused = await fetch(`${offline.url}/api/orders`, { signal: AbortSignal.timeout(10_000) });
        expect(refused.headers.get('www-authenticate')).toBe(`Bearer realm="${newName}"`);
        const contract = await call('GET', '/api/openapi.json');
        expect(
          Object.keys(contract.body.paths).filter((route) => !route.startsWith('/api/health') && !route.startsWith('/api/docs')),
        ).toEqual(['/api/line-items', '/api/line-items/{id}', '/api/orders', '/api/orders/{id}', '/api/openapi.json']);
        expect(contract.body.info.title).toBe(titleOf(newName));
      } finally {
        await offline?.stop();
        fs.rmSync(localDir, { recursive: true, force: true });
      }
    },
  );
});
