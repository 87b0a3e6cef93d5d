/**
 * The functions as shipped, on the Node.js major of their Lambda runtime. The rest of the suite
 * runs the source on this machine's Node.js; here every bundle of a packaged stage is loaded in a
 * fresh process of the runtime's major, as a new container loads it, with the environment the
 * template gives it and loopback stand-ins for what CloudFormation fills in. A dependency that
 * needs an API the runtime's major removed, or that behaves otherwise there, fails here.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { apiFunctions, capitalise, catalog, databaseFunctions, names } from '../../resources/functions';
import { testContacts } from '../fixtures/api/test-contacts/resource';
import { resources } from '../../src/api/registry';
import { loopbackAwsEnv } from '../../src/local/aws-endpoints';
import { freePort } from '../../src/local/local-stack';
import { startSecretsEndpoint, type SecretsEndpoint } from '../../src/local/secrets-endpoint';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { testAuthEnv } from '../support/auth';
import { createAlertsTable, startDynamoDb } from '../support/dynamodb';
import { httpEvent, type RequestShape } from '../support/events';
import { logsEvent } from '../support/logs-payload';
import { motoMissing, startMoto } from '../support/moto';
import {
  runtimeMajor,
  runtimeModules,
  runtimeNode,
  runtimeNodeMissing,
  unpackFunctions,
  type UnpackedFunction,
} from '../support/lambda-runtime';
import { count, migrationNames, startTestDatabase, type TestDatabase } from '../support/postgres';
import { startReceiver } from '../support/receiver';
import { startCodeDeployStandIn, startLambdaStandIn } from '../support/release-stand-ins';
import { serviceErrorLine } from '../support/service-logs';
import { packageStage, type Template } from '../support/template';
import { databaseNames, serviceName } from '../support/names';

jest.setTimeout(120_000);

const probe = path.resolve(__dirname, '../../scripts/bench/probe.cjs');
const migrations = migrationNames;
let work: string;
const appLogin = { username: databaseNames.login, password: `runtime-${randomUUID()}` };
let node: string;
let nodePath: string;
let database: TestDatabase;
let secrets: SecretsEndpoint;
/** A port where nothing listens: a cluster that refuses connections. */
let refusedPort: number;

/** A packaged stage: its template and its functions, unpacked. */
interface Packaged {
  template: Template;
  functions: Map<string, UnpackedFunction>;
}
let postgresStage: Packaged;
let documentDbStage: Packaged;
const packagedDirs: string[] = [];

async function packageAndUnpack(params: string[], label: string): Promise<Packaged> {
  const { template, dir } = await packageStage('dev', params);
  packagedDirs.push(dir);
  const functions = new Map(unpackFunctions(dir, path.join(work, label)).map((unpacked) => [unpacked.name, unpacked]));
  return { template, functions };
}

// Where REQUIRE_RUNTIME_NODE=1 (CI: .ci/run), a runtime that cannot be installed fails the tests instead of skipping them.
const runtimeMissing = process.env.REQUIRE_RUNTIME_NODE === '1' ? undefined : runtimeNodeMissing();
if (runtimeMissing) console.warn(`${runtimeMissing}: the packaged functions are not run on the runtime's Node.js`);

(runtimeMissing ? describe.skip : describe)("the packaged functions on the runtime's Node.js", () => {
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'api-runtime-'));
    node = runtimeNode();
    nodePath = runtimeModules(work);
    database = await startTestDatabase();
    // The stage's database, which nothing has migrated yet: the packaged `migrate` does it below.
    await database.admin.query(`create database ${databaseNames.database}`);
    const secretsDir = path.join(work, 'secrets');
    fs.mkdirSync(secretsDir);
    // The cluster's master secret holds the credentials only (RDS manages it); the stage names the endpoint.
    fs.writeFileSync(path.join(secretsDir, 'master.json'), JSON.stringify({ username: 'postgres', password: database.secret.password }));
    fs.writeFileSync(path.join(secretsDir, 'app.json'), JSON.stringify({ engine: 'postgres', ...appLogin }));
    secrets = await startSecretsEndpoint(secretsDir);
    refusedPort = await freePort();
    postgresStage = await packageAndUnpack([], 'postgres');
    documentDbStage = await packageAndUnpack(['dbEngine=documentdb'], 'documentdb');
  });

  afterAll(async () => {
    await secrets?.close();
    await database?.stop();
    for (const dir of [work, ...packagedDirs]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A function's environment as the template gives it. What CloudFormation fills in gets a loopback
   * stand-in: the secret the template names (the master user's or the functions' login), the
   * cluster on loopback without TLS (the stage verifies TLS, which loopback has not), the tests'
   * token issuer; anything else a placeholder. A DocumentDB stage's cluster refuses connections.
   */
  function environment(
    stage: Packaged,
    name: string,
    fn: UnpackedFunction,
    overrides: Record<string, string> = {},
  ): Record<string, string> {
    const variables = (stage.template.Resources[`${capitalise(name)}LambdaFunction`]!.Properties.Environment?.Variables ?? {}) as Record<
      string,
      unknown
    >;
    const secretOf = (value: unknown) => (JSON.stringify(value).includes('MasterUserSecret') ? 'master' : 'app');
    const filledIn = (key: string, value: unknown) =>
      key === 'DB_SECRET_ID' || key === 'DB_APP_SECRET_ID' ? secretOf(value) : key === 'DB_PROXY_HOST' ? '' : `placeholder-${key}`;
    return {
      ...Object.fromEntries(
        Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : filledIn(key, value)]),
      ),
      DB_HOST: '127.0.0.1',
      DB_PORT: String(stage === documentDbStage ? refusedPort : database.secret.port),
      DB_SSL: 'off',
      DOCDB_TLS: 'off',
      ...testAuthEnv(),
      ...loopbackAwsEnv({ SECRETS_MANAGER: secrets.url }),
      PATH: process.env.PATH ?? '',
      NODE_PATH: nodePath,
      LAMBDA_TASK_ROOT: fn.dir,
      AWS_LAMBDA_FUNCTION_NAME: `${serviceName}-dev-${name}`,
      ...overrides,
    };
  }

  interface Response {
    statusCode?: number;
    headers?: Record<string, string>;
    body?: string;
    [key: string]: unknown;
  }

  /**
   * Loads a function's bundle in a fresh process of the runtime's Node.js and, with an event,
   * invokes it once (the bench's probe); `expect` is the status it must answer. Resolves with the
   * response and the function's output (its log lines); rejects with that output when it fails to
   * load, answers otherwise, or Node.js warns of a deprecation.
   */
  async function runOnRuntime(
    name: string,
    invocation?: { event: unknown; expect?: number },
    stage = postgresStage,
    overrides: Record<string, string> = {},
  ): Promise<{ response?: Response; builtins?: string[]; log: string }> {
    const fn = stage.functions.get(name);
    if (!fn) throw new Error(`${name} is not in the package`);
    const output = path.join(work, `${name}-${randomUUID()}.json`);
    const task = invocation ? { mode: 'first', events: [invocation] } : { mode: 'require' };
    fs.writeFileSync(`${output}.task`, JSON.stringify({ ...task, name, bundle: fn.file, output }));
    const child = spawn(node, [probe, `${output}.task`], {
      env: environment(stage, name, fn, overrides),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const figures = fs.existsSync(output)
      ? (JSON.parse(fs.readFileSync(output, 'utf8')) as { error?: string; response?: Response; builtins?: string[] })
      : {};
    if (code !== 0 || figures.error) {
      // `functionError`: what the function threw, as Lambda reports it to whoever invoked it.
      const functionError = figures.error?.split('\n')[0]?.replace(/^\w*Error: /, '');
      throw Object.assign(new Error(`${name} failed (exit ${code}): ${figures.error ?? ''}\n${log}`), { functionError });
    }
    // What the runtime's Node.js deprecates, a later runtime removes.
    if (/DeprecationWarning/.test(log)) throw new Error(`${name} uses what Node.js ${runtimeMajor()} deprecates:\n${log}`);
    return { response: figures.response, builtins: figures.builtins, log };
  }

  /** The response of `runOnRuntime`. */
  const onRuntime = async (...args: Parameters<typeof runOnRuntime>) => (await runOnRuntime(...args)).response;

  /** An API Gateway event for a function's route, with its path parameters filled in. */
  function routeEvent(name: string, request: Partial<RequestShape> = {}) {
    const route = catalog[name]!.http!;
    if (route === '*') return httpEvent({ method: 'GET', path: '/api/nowhere', route: '$default', ...request });
    const rawPath = route.path.replace(/\{(\w+)\}/g, (_, key: string) => request.pathParameters?.[key] ?? '');
    return httpEvent({ method: route.method, path: rawPath, route: route.path, ...request });
  }

  /** A query on the stage's database, as the master user. */
  async function inUsersDatabase(sql: string, values: unknown[] = []): Promise<number> {
    const client = new pg.Client({ ...database.secret, user: 'postgres', database: databaseNames.database });
    await client.connect();
    try {
      return await count(client, sql, values);
    } finally {
      await client.end();
    }
  }

  const contactsRoutes = Object.values(testContacts.routes).map((route) => route.functionName);
  // Every resource's routes, the service's own too: the contacts' here, and each resource's own in its contract test.
  const resourceRoutes = resources.flatMap((resource) => Object.values(resource.routes).map((route) => route.functionName));
  const json = { 'content-type': 'application/json' };
  const body = (response: Response | undefined) => JSON.parse(response!.body!) as Record<string, unknown>;

  it(`runs the bundles on Node.js ${runtimeMajor()}, the major of serverless.yml's runtime`, () => {
    expect(execFileSync(node, ['--version']).toString()).toMatch(new RegExp(`^v${runtimeMajor()}\\.`));
  });

  it("applies the packaged migrations with the master user's secret, and makes the functions' login", async () => {
    expect(await onRuntime('migrate', { event: {} })).toEqual({ applied: migrations });
    expect(await inUsersDatabase("select count(*) as n from information_schema.tables where table_name = 'test_contacts'")).toBe(1);
    expect(await inUsersDatabase('select count(*) as n from pgmigrations')).toBe(migrations.length);
    expect(await count(database.admin, 'select count(*) as n from pg_roles where rolname = $1 and rolcanlogin', [appLogin.username])).toBe(
      1,
    );
  });

  it("serves a contact's whole life through the contacts functions, logged in as the functions' login", async () => {
    // The template gives them the functions' login, not the master user's secret.
    for (const name of contactsRoutes) {
      expect(environment(postgresStage, name, postgresStage.functions.get(name)!).DB_SECRET_ID).toBe('app');
    }
    const email = `runtime-${randomUUID()}@example.com`;
    const created = await onRuntime('testContactsCreate', {
      event: routeEvent('testContactsCreate', { headers: json, body: JSON.stringify({ email, name: 'Runtime User' }) }),
      expect: 201,
    });
    const id = body(created).id as string;
    expect(created!.headers!.Location).toBe(`/api/test-contacts/${id}`);
    const fetched = await onRuntime('testContactsGet', { event: routeEvent('testContactsGet', { pathParameters: { id } }), expect: 200 });
    expect(body(fetched)).toMatchObject({ id, email, name: 'Runtime User' });
    const listed = await onRuntime('testContactsList', { event: routeEvent('testContactsList', { query: { limit: '100' } }), expect: 200 });
    expect((body(listed).items as { id: string }[]).map((user) => user.id)).toContain(id);
    const updated = await onRuntime('testContactsUpdate', {
      event: routeEvent('testContactsUpdate', { pathParameters: { id }, headers: json, body: JSON.stringify({ email, name: 'Renamed' }) }),
      expect: 200,
    });
    expect(body(updated)).toMatchObject({ id, name: 'Renamed' });
    await onRuntime('testContactsDelete', { event: routeEvent('testContactsDelete', { pathParameters: { id } }), expect: 204 });
    expect(await inUsersDatabase('select count(*) as n from test_contacts where id = $1', [id])).toBe(0);
  });

  /** The API functions besides the contacts routes, each with a request and what it must answer. */
  const otherRoutes: Record<string, { request?: Partial<RequestShape>; expect: number; check?: (response: Response) => void }> = {
    healthLive: { expect: 200 },
    healthReady: { expect: 200 },
    health: {
      expect: 200,
      check: (response) => expect(body(response)).toMatchObject({ status: 'ok', stage: 'dev', database: { status: 'ok' } }),
    },
    openapi: { expect: 200, check: (response) => expect(body(response).openapi).toMatch(/^3\.1\./) },
    docs: { expect: 200, check: (response) => expect(response.body).toContain('<html') },
    docsAssets: { request: { pathParameters: { file: 'start.js' } }, expect: 200 },
    notFound: { expect: 404 },
  };

  it('has a request here for every API function', () => {
    expect([...resourceRoutes, ...Object.keys(otherRoutes)].sort()).toEqual([...apiFunctions].sort());
    expect(resourceRoutes).toEqual(expect.arrayContaining(contactsRoutes));
  });

  it.each(Object.entries(otherRoutes))('%s answers its route', async (name, { request, expect: status, check }) => {
    const response = await onRuntime(name, { event: routeEvent(name, request), expect: status });
    check?.(response!);
  });

  /**
   * Node.js's modules that an API function must not load before its first request, since each adds to every cold
   * start: what the AWS SDK's clients load (http2, zlib: a client loaded at start, where it should load at its first
   * use or not be bundled), a streaming response's stream/web, processes and workers. The functions without a
   * database load no HTTP or TLS client at all, which only the Secrets Manager client and pg need.
   */
  const heavyAtStart = ['http2', 'zlib', 'stream/web', 'worker_threads', 'child_process', 'assert', 'vm', 'v8', 'inspector'];
  const networkAtStart = ['http', 'https', 'tls', 'dns'];
  /** Which of those an API function loaded at start, besides what its database driver loads by itself. */
  const loadedUnneeded = (name: string, builtins: string[], driverLoads: string[] = []) =>
    builtins.filter(
      (builtin) =>
        !driverLoads.includes(builtin) &&
        (heavyAtStart.includes(builtin) || (!databaseFunctions.includes(name) && networkAtStart.includes(builtin))),
    );

  it.each([...apiFunctions])("%s loads none of Node.js's heavier modules at start that it does not need", async (name) => {
    const { builtins } = await runOnRuntime(name);
    expect(loadedUnneeded(name, builtins!)).toEqual([]);
    // The list is the real one: every function loads node:crypto (the logger's, the metrics').
    expect(builtins).toContain('crypto');
  });

  /** What CloudFormation sends a custom resource's function, with the pre-signed URL it reads the answer from. */
  const customResourceEvent = (logicalId: string, responseUrl: string, properties: Record<string, string>, update = false) => ({
    RequestType: update ? 'Update' : 'Create',
    ResponseURL: responseUrl,
    StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${serviceName}-dev/guid`,
    RequestId: `request-${randomUUID()}`,
    LogicalResourceId: logicalId,
    ResourceType: `Custom::${logicalId}`,
    ServiceToken: 'arn',
    ResourceProperties: { ServiceToken: 'arn', ...properties },
    ...(update && { PhysicalResourceId: `${logicalId}-guid`, OldResourceProperties: { ServiceToken: 'arn' } }),
  });

  it("userPoolKeys fetches the issuer's keys and answers CloudFormation with them", async () => {
    const jwks = testAuthEnv().AUTH_JWKS!;
    // The user pool's JWKS, and the pre-signed URL that CloudFormation reads the answer from.
    const endpoint = await startReceiver(async ({ method }) =>
      method === 'GET' ? { status: 200, headers: { 'content-type': 'application/json' }, body: jwks } : { status: 200, body: '' },
    );
    const origin = new URL(endpoint.url).origin;
    try {
      const event = customResourceEvent('UserPoolKeys', `${origin}/response`, { JwksUri: `${origin}/.well-known/jwks.json` });
      const result = (await onRuntime('userPoolKeys', { event })) as { status: string; data: { Jwks: string } };
      expect(result.status).toBe('SUCCESS');
      expect(JSON.parse(result.data.Jwks)).toEqual(JSON.parse(jwks));
      const answers = endpoint.bodies.filter(Boolean);
      expect(answers).toEqual([expect.objectContaining({ Status: 'SUCCESS', RequestId: event.RequestId, Data: result.data })]);
    } finally {
      await endpoint.close();
    }
  });

  (motoMissing ? it.skip : it)('alerts sends an error line to Slack and by email, through DynamoDB Local and moto', async () => {
    const [dynamodb, moto, slack] = await Promise.all([startDynamoDb(), startMoto(), startReceiver()]);
    try {
      const table = `alerts-runtime-${randomUUID()}`;
      await createAlertsTable(dynamodb.client, table);
      const sns = new SNSClient({
        endpoint: moto.url,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${serviceName}-dev-alerts-${randomUUID()}` }));
      sns.destroy();
      fs.writeFileSync(path.join(work, 'secrets', 'slack-webhook.json'), JSON.stringify({ webhookUrl: slack.url }));
      const event = logsEvent(`/aws/lambda/${serviceName}-dev-testContactsGet`, [
        serviceErrorLine(new TypeError('runtime check'), 'req-runtime'),
      ]);
      const { response: outcome, log } = await runOnRuntime('alerts', { event }, postgresStage, {
        ALERTS_TOPIC_ARN: TopicArn!,
        ALERTS_TABLE: table,
        SLACK_WEBHOOK_SECRET_ID: 'slack-webhook',
        ...loopbackAwsEnv({ SECRETS_MANAGER: secrets.url, SNS: moto.url, DYNAMODB: dynamodb.url }),
      });
      expect(outcome).toEqual({ sent: 1, suppressed: 0 });
      // Both channels delivered: a failed one is a warning, and the alert still counts as sent.
      expect(log).not.toContain('alert delivery failed');
      expect(slack.bodies.map((message: { text: string }) => message.text.split('\n')[0])).toEqual([
        `[${serviceName} dev] testContactsGet: TypeError (1 error)`,
      ]);
    } finally {
      await Promise.all([dynamodb.stop(), moto.stop(), slack.close()]);
    }
  });

  describe("a release, through loopback stand-ins for Lambda's and CodeDeploy's APIs", () => {
    /**
     * Lambda's answer to an invocation of a dev function (`<service>-dev-<name>`, a version after `:`): the packaged
     * function run on the runtime, with the environment `overridesOf` gives the version; what it throws, as an error.
     */
    const invokeOnRuntime =
      (overridesOf: (version: string | undefined) => Record<string, string>) => async (functionName: string, payload: unknown) => {
        const [, name, version] = new RegExp(`^${serviceName}-dev-(\\w+)(?::(\\w+))?$`).exec(functionName) ?? [];
        if (!name) throw new Error(`Function not found: ${functionName}`);
        try {
          return (await runOnRuntime(name, { event: payload ?? {} }, postgresStage, overridesOf(version))).response;
        } catch (error) {
          throw new Error((error as { functionError?: string }).functionError ?? (error as Error).message, { cause: error });
        }
      };

    it('releaseMigrations answers CloudFormation FAILED when the packaged migrate fails, and SUCCESS once it applies them', async () => {
      // A database of its own, where a table in the first migration's way makes migrate fail.
      await database.admin.query(`create database ${databaseNames.database}_release`);
      const inRelease = async (sql: string) => {
        const client = new pg.Client({ ...database.secret, user: 'postgres', database: `${databaseNames.database}_release` });
        await client.connect();
        try {
          return (await client.query<{ n: string }>(sql)).rows[0]?.n;
        } finally {
          await client.end();
        }
      };
      await inRelease('create table test_contacts (id int)');
      const lambda = await startLambdaStandIn(invokeOnRuntime(() => ({ DB_NAME: `${databaseNames.database}_release` })));
      const cloudFormation = await startReceiver();
      const release = () =>
        onRuntime(
          'releaseMigrations',
          {
            event: customResourceEvent(
              'ReleaseMigrations',
              `${cloudFormation.url}/response`,
              { MigrateFunction: `${serviceName}-dev-migrate`, MigrationsDigest: 'digest', Stage: 'dev' },
              true,
            ),
          },
          postgresStage,
          loopbackAwsEnv({ SECRETS_MANAGER: secrets.url, LAMBDA: lambda.url }),
        );
      try {
        expect(await release()).toMatchObject({
          status: 'FAILED',
          reason: expect.stringMatching(/^migrate failed: .*"test_contacts" already exists/),
        });
        expect(await inRelease("select count(*) as n from information_schema.tables where table_name = 'pgmigrations'")).toBe('1');
        expect(await inRelease('select count(*) as n from pgmigrations')).toBe('0');
        await inRelease('drop table test_contacts');
        expect(await release()).toEqual({ status: 'SUCCESS', data: { Applied: migrations.length } });
        expect(await inRelease('select count(*) as n from pgmigrations')).toBe(String(migrations.length));
        expect(lambda.invocations.map(({ functionName }) => functionName)).toEqual([
          `${serviceName}-dev-migrate`,
          `${serviceName}-dev-migrate`,
        ]);
        expect(cloudFormation.bodies).toEqual([
          expect.objectContaining({
            Status: 'FAILED',
            PhysicalResourceId: 'ReleaseMigrations-guid',
            Reason: expect.stringContaining('already exists'),
          }),
          expect.objectContaining({
            Status: 'SUCCESS',
            PhysicalResourceId: 'ReleaseMigrations-guid',
            Data: { Applied: migrations.length },
          }),
        ]);
      } finally {
        await Promise.all([lambda.close(), cloudFormation.close()]);
      }
    });

    it('preTraffic probes the new version through Lambda and reports Succeeded to CodeDeploy, or Failed when it cannot answer', async () => {
      const appSpec = (version: string) =>
        JSON.stringify({
          version: 0.0,
          Resources: [
            {
              UsersGetLambdaFunction: {
                Type: 'AWS::Lambda::Function',
                Properties: { Name: `${serviceName}-dev-testContactsGet`, Alias: 'live', CurrentVersion: '6', TargetVersion: version },
              },
            },
          ],
        });
      // Version 8 is a release whose database cannot be reached.
      const lambda = await startLambdaStandIn(
        invokeOnRuntime((version): Record<string, string> => (version === '8' ? { DB_PORT: String(refusedPort) } : {})),
      );
      const codeDeploy = await startCodeDeployStandIn({ 'd-ready': appSpec('7'), 'd-broken': appSpec('8') });
      const hook = (deploymentId: string) =>
        onRuntime(
          'preTraffic',
          { event: { DeploymentId: deploymentId, LifecycleEventHookExecutionId: `hook-${deploymentId}` } },
          postgresStage,
          loopbackAwsEnv({ SECRETS_MANAGER: secrets.url, LAMBDA: lambda.url, CODEDEPLOY: codeDeploy.url }),
        );
      try {
        expect(await hook('d-ready')).toEqual({ status: 'Succeeded' });
        expect(await hook('d-broken')).toEqual({ status: 'Failed' });
        expect(lambda.invocations).toEqual([
          { functionName: `${serviceName}-dev-testContactsGet:7`, payload: expect.objectContaining({ readinessProbe: true }) },
          { functionName: `${serviceName}-dev-testContactsGet:8`, payload: expect.objectContaining({ readinessProbe: true }) },
        ]);
        expect(codeDeploy.statuses).toEqual([
          { deploymentId: 'd-ready', lifecycleEventHookExecutionId: 'hook-d-ready', status: 'Succeeded' },
          { deploymentId: 'd-broken', lifecycleEventHookExecutionId: 'hook-d-broken', status: 'Failed' },
        ]);
      } finally {
        await Promise.all([lambda.close(), codeDeploy.close()]);
      }
    });
  });

  it('runs or loads every function that is not a route', () => {
    expect(names.filter((name) => !catalog[name]!.http).sort()).toEqual([
      'alerts',
      'migrate',
      'preTraffic',
      'releaseMigrations',
      'userPoolKeys',
    ]);
  });

  describe('on a DocumentDB stage', () => {
    /** What the mongodb driver loads of Node.js as it loads: zlib (wire compression) and v8, about 2 ms. */
    const mongodbLoads = ['zlib', 'v8'];

    it.each(['testContactsGet', 'healthReady'])('%s answers 503 with Retry-After while the cluster refuses connections', async (name) => {
      const request = name === 'testContactsGet' ? { pathParameters: { id: randomUUID() } } : {};
      const { response, builtins } = await runOnRuntime(name, { event: routeEvent(name, request), expect: 503 }, documentDbStage);
      expect(response!.headers!['Retry-After']).toBe('1');
      expect(body(response)).toMatchObject({ status: 503 });
      expect(loadedUnneeded(name, builtins!, mongodbLoads)).toEqual([]);
    });

    it.each(names.filter((name) => name !== 'testContactsGet' && name !== 'healthReady'))('%s loads', async (name) => {
      const { builtins } = await runOnRuntime(name, undefined, documentDbStage);
      if (apiFunctions.includes(name)) expect(loadedUnneeded(name, builtins!, mongodbLoads)).toEqual([]);
    });
  });
});
