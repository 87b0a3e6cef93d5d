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

/**
 * `npm run new:resource` in a copy of the project as it stands: what it refuses, what it touches, and that the resource it makes typechecks,
 * packages, passes its contract on both engines and is served by sls offline with a token for it.
 */
describe('npm run new:resource', () => {
  let copy: string;
  let before: Map<string, string>;
  const newResource = (...args: string[]) =>
    spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/new-resource.ts', ...args], { cwd: copy, encoding: 'utf8' });

  beforeAll(() => {
    copy = copyProject('users-api-new-resource-');
    before = snapshot(copy);
  });
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  it.each([
    [[], /^Usage: npm run new:resource -- <name>/],
    [['users'], /^users exists already: src\/api\/users$/m],
    [['Orders'], /^"Orders" is not a resource name: kebab-case and plural/],
    [['order_items'], /^"order_items" is not a resource name/],
    [['order'], /^"order" is not a resource name/],
    [['docs'], /^\/api\/docs is a route of the platform's own/],
  ])('refuses %j, saying why, and changes nothing', (args, message) => {
    const run = newResource(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(changed(before, snapshot(copy))).toEqual([]);
  });

  it('makes orders in its own folder, its migration and one line of the registry, and nothing else', () => {
    const run = newResource('orders');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const touched = changed(before, snapshot(copy));
    const outside = touched.filter(
      (file) => !/^src\/api\/orders\//.test(file) && !/^migrations\/\d+_create-orders\.sql$/.test(file) && file !== 'src/api/resources.ts',
    );
    expect(outside).toEqual([]);
    expect(touched.filter((file) => file.startsWith('migrations/'))).toHaveLength(1);
    for (const file of ['model.ts', 'resource.ts', 'repository.ts', 'indexes.ts', 'contract.test.ts'])
      expect(touched).toContain(`src/api/orders/${file}`);
    for (const route of ['create', 'list', 'get', 'update', 'delete']) expect(touched).toContain(`src/api/orders/handlers/${route}.ts`);
    const registry = (dir: string) => fs.readFileSync(path.join(dir, 'src/api/resources.ts'), 'utf8').split('\n');
    const added = registry(copy).filter((line) => !registry(root).includes(line));
    expect(added).toEqual(["export { orders } from './orders/resource';"]);
    for (const line of run.stdout.split('\n').filter((text) => text.startsWith('  '))) expect(touched).toContain(line.trim());
  });

  it('makes a resource that typechecks and lints as the project does', async () => {
    await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', '.'], { cwd: copy });
    await promisify(execFile)(
      process.execPath,
      [path.join(path.dirname(require.resolve('eslint/package.json')), 'bin/eslint.js'), '--max-warnings=0', 'src/api/orders'],
      {
        cwd: copy,
      },
    );
  });

  // One stage: what differs between stages is the same for every resource, and template.test.ts checks it.
  it.each([['prod']])(
    'packages %s with the orders routes, their scopes and alarms, each route with its own resource only, and cfn-lint finds nothing',
    async (stage) => {
      const { template, dir } = await packageStage(stage, [], copy);
      try {
        for (const name of ['OrdersCreate', 'OrdersList', 'OrdersGet', 'OrdersUpdate', 'OrdersDelete']) {
          expect(template.Resources[`${name}LambdaFunction`]).toBeDefined();
          expect(template.Resources[`${name}ErrorsAlarm`]).toBeDefined();
        }
        const scopes = template.Resources.UserPoolResourceServer!.Properties.Scopes.map((scope: { ScopeName: string }) => scope.ScopeName);
        expect(scopes).toEqual(expect.arrayContaining(['orders.read', 'orders.write', 'users.read', 'users.write']));
        // A resource's routes bundle its own code, and no other resource's.
        expect(bundledModules(path.join(dir, 'ordersGet.zip')).filter((file) => file.startsWith('src/api/'))).toEqual(
          expect.arrayContaining(['src/api/orders/resource.ts', 'src/api/orders/repository.ts']),
        );
        expect(bundledModules(path.join(dir, 'ordersGet.zip')).filter((file) => file.startsWith('src/api/users/'))).toEqual([]);
        expect(bundledModules(path.join(dir, 'usersGet.zip')).filter((file) => file.startsWith('src/api/orders/'))).toEqual([]);
        expect(cfnLintFindings(dir) ?? '').toBe('');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('passes its contract tests on PostgreSQL, and on DocumentDB where its server can be had', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--colors=false', '--verbose', 'src/api/orders/contract.test.ts'],
      { cwd: copy, env: { ...process.env, CI: 'true' } },
    );
    const report = stdout + stderr;
    expect(report).toMatch(/orders on PostgreSQL/);
    expect(report).toMatch(documentDbMissing ? /skipped/ : /orders on DocumentDB/);
    expect(report).toMatch(/Tests:\s+(\d+ skipped, )?\d+ passed/);
  });

  const engines = [['PostgreSQL', []]] as [string, string[]][];
  if (!documentDbMissing) engines.push(['DocumentDB', ['--param=dbEngine=documentdb', '--param=dbSsl=verify']]);
  it.each(engines)('is served by sls offline on %s, with a token that npm run token makes for its scopes', async (_engine, args) => {
    const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'users-api-new-resource-local-'));
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
      // Its scopes are its own: the token for orders reads no users.
      expect((await call('GET', '/api/users')).status).toBe(403);
      const contract = await call('GET', '/api/openapi.json');
      expect(Object.keys(contract.body.paths)).toEqual(expect.arrayContaining(['/api/orders', '/api/orders/{id}', '/api/users']));
    } finally {
      await offline?.stop();
      fs.rmSync(localDir, { recursive: true, force: true });
    }
  });
});
