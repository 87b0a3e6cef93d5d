/**
 * Prints what Lambda users pay for, each project function side by side with a lambdalith (every
 * test contacts route (the platform's own resource, test/fixtures/api/) in one Express function, scripts/bench/lambdalith.ts, bundled the same way):
 * bundle and zip size, require time in fresh processes (the two alternating), the first
 * invocation (secret fetch and connection included) with the RSS after it, and warm latency
 * against a bare pg query of the same statement on one connection, with the ratios, on loopback
 * and again with each database round trip made about as long as in AWS.
 *
 * Usage: npm run bench. BENCH_RUNS (default 25) fresh processes per function for the require
 * time, BENCH_WARM (default 1000) warm invocations per route in each of BENCH_WARM_ROUNDS (default
 * 3) rounds, BENCH_DB_DELAY_MS (default 1) what the second warm comparison adds to each round trip,
 * BENCH_PROFILE a folder for a CPU profile of each warm run, BENCH_ONLY=cold or warm one part,
 * BENCH_NODE the node binary that runs the functions (default: the Lambda runtime's major).
 * Figures only, no pass or fail.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import pg from 'pg';
import { freePort } from '../src/local/local-stack';
import { PostgresServer } from '../src/local/postgres-server';
import { loopbackAwsEnv } from '../src/local/aws-endpoints';
import { startSecretsEndpoint } from '../src/local/secrets-endpoint';
import { migrate } from '../src/lib/db/migrate';
import { serviceName } from '../src/api/service';
import { migrationDirs } from '../test/fixtures/api';
import { testCondition } from './test-conditions.cjs';
import { testAuthEnv } from '../test/support/auth';
import { httpEvent, type RequestShape } from '../test/support/events';
import { runtimeModules, runtimeNodeOrThisOne, unpackFunctions, zipSizes } from '../test/support/lambda-runtime';
import { startDelayProxy } from './bench/delay-proxy';

const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'api-bench-'));
fs.chmodSync(work, 0o755);
const runs = Number(process.env.BENCH_RUNS ?? 25);
const warmCount = Number(process.env.BENCH_WARM ?? 1000);
const warmRounds = Number(process.env.BENCH_WARM_ROUNDS ?? 3);
/** Untimed invocations (or queries) before the timed ones, so that no subject pays for the JIT's first compilations. */
const warmup = 200;
const lambdalith = 'lambdalith';
/** BENCH_ONLY=cold or warm: one part of the figures (sizes and cold starts, or warm latency). */
const parts = process.env.BENCH_ONLY ? [process.env.BENCH_ONLY] : ['cold', 'warm'];

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const percentile = (values: number[], p: number) => {
  const ordered = sorted(values);
  return ordered[Math.min(ordered.length - 1, Math.floor((p / 100) * ordered.length))]!;
};
const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}×`;
const row = (cells: (string | number)[], widths: number[]) =>
  cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]!) : String(cell).padStart(widths[i]!))).join('  ');

/**
 * The probes run on the Lambda runtime's Node.js major, since load times differ between majors: pg, for one, builds a
 * fetch Response at load on Node.js 20, which has no `navigator`, and that loads Node's HTTP client (about 50 ms).
 * BENCH_NODE names a binary instead.
 */
const probeNode = () => process.env.BENCH_NODE ?? runtimeNodeOrThisOne('the functions run');

interface Bundle {
  name: string;
  file: string;
  bytes: number;
  zip: number;
  zipWithoutMap: number;
}

function packageStage(params: string[], label: string): Bundle[] {
  const packaged = path.join(work, `package-${label}`);
  execFileSync(
    process.execPath,
    [require.resolve('serverless/bin/serverless.js'), 'package', '--stage', 'dev', ...params, '--package', packaged],
    // Under the tests' condition: the routes measured are the platform's own resource's (test/fixtures/api/).
    {
      cwd: root,
      env: { ...process.env, ESBUILD_WORK_FOLDER: '.esbuild-bench', NODE_OPTIONS: `--conditions=${testCondition}` },
      stdio: 'ignore',
    },
  );
  return unpackFunctions(packaged, path.join(work, `bundles-${label}`)).map(({ name, file }) => ({
    name,
    file,
    bytes: fs.statSync(file).size,
    ...zipSizes(path.join(packaged, `${name}.zip`)),
  }));
}

/** serverless-esbuild's options for the functions, as `sls package` resolved them (serverless-state.json). */
interface PackagedBuild {
  bundle: boolean;
  minify: boolean;
  sourcemap: boolean;
  sourcesContent: boolean;
  target: string;
  platform: esbuild.Platform;
  format: esbuild.Format;
  external?: string[];
  exclude?: string[];
  alias?: Record<string, string>;
  define?: Record<string, string>;
}

function packagedBuild(label: string): PackagedBuild {
  const state = JSON.parse(fs.readFileSync(path.join(work, `package-${label}`, 'serverless-state.json'), 'utf8'));
  return state.service.custom.esbuild as PackagedBuild;
}

/**
 * A bench-only entry, bundled with the functions' options: the lambdalith with the general ones
 * only (it keeps the AWS SDK's own client), or with `asProject` also the alias and defines the
 * project's code gets (scripts/bench/stack-only*.ts, a route's stack answering from memory).
 */
async function bundleEntry(name: string, entry: string, build: PackagedBuild, asProject = false): Promise<Bundle> {
  const dir = path.join(work, name);
  const file = path.join(dir, 'index.js');
  await esbuild.build({
    entryPoints: [path.join(root, entry)],
    outfile: file,
    bundle: build.bundle,
    minify: build.minify,
    sourcemap: build.sourcemap,
    sourcesContent: build.sourcesContent,
    target: build.target,
    platform: build.platform,
    format: build.format,
    external: [...(build.exclude ?? []), ...(build.external ?? [])],
    ...(asProject && {
      alias: Object.fromEntries(Object.entries(build.alias ?? {}).map(([name, target]) => [name, path.join(root, target)])),
      define: build.define,
    }),
    logLevel: 'silent',
  });
  execFileSync('zip', ['-q', '-j', path.join(work, `${name}.zip`), file, `${file}.map`]);
  return { name, file, bytes: fs.statSync(file).size, ...zipSizes(path.join(work, `${name}.zip`)) };
}

function printSizes(title: string, bundles: Bundle[]) {
  const widths = [18, 10, 10, 14];
  console.log(`\n${title}`);
  console.log(row(['function', 'bundle', 'zip', 'zip (no map)'], widths));
  for (const bundle of bundles) console.log(row([bundle.name, kb(bundle.bytes), kb(bundle.zip), kb(bundle.zipWithoutMap)], widths));
}

async function main() {
  const port = await freePort();
  const secret = { engine: 'postgres', host: '127.0.0.1', port, username: 'postgres', password: 'bench-password', dbname: 'postgres' };
  const server = await PostgresServer.start({ dataDir: path.join(work, 'data'), port, password: secret.password });
  const secretsDir = path.join(work, 'secrets');
  fs.mkdirSync(secretsDir);
  fs.writeFileSync(path.join(secretsDir, 'db.json'), JSON.stringify(secret));
  const secrets = await startSecretsEndpoint(secretsDir);
  // The functions' environment in AWS (prod's log level; metrics on), with loopback stand-ins.
  const functionEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    STAGE: 'local',
    SERVICE_NAME: serviceName,
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    DB_SECRET_ID: 'db',
    ...loopbackAwsEnv({ SECRETS_MANAGER: secrets.url }),
    ...testAuthEnv(),
    IDEMPOTENCY_TABLE: 'bench',
    ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:bench',
    ALERTS_TABLE: 'bench',
    SLACK_WEBHOOK_SECRET_ID: 'slack-webhook',
    // The Lambda runtime provides the AWS SDK; here the project's copy stands in for it.
    NODE_PATH: runtimeModules(work),
  };
  let nodeOptions = '';
  let probes = 0;
  const node = probeNode();
  // Asynchronous: the Secrets Manager stand-in answers from this process.
  const probe = async <T>(task: Record<string, unknown>, env: Record<string, string> = {}): Promise<T> => {
    const output = path.join(work, `probe-${(probes += 1)}.json`);
    const taskFile = `${output}.task`;
    fs.writeFileSync(taskFile, JSON.stringify({ ...task, output }));
    // BENCH_PROFILE=<folder>: a V8 CPU profile of each warm probe (open it in Chrome's DevTools).
    const profile =
      task.mode === 'warm' && process.env.BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`, `--cpu-prof-name=${String(task.name)}.cpuprofile`]
        : [];
    const child = spawn(
      node,
      [...(nodeOptions ? nodeOptions.split(' ') : []), ...profile, path.join(__dirname, 'bench/probe.cjs'), taskFile],
      {
        env: { ...functionEnv, AWS_LAMBDA_FUNCTION_NAME: String(task.name ?? 'bare'), ...env },
        stdio: ['ignore', 'ignore', 'inherit'],
        timeout: 120_000,
      },
    );
    await new Promise((resolve) => child.on('exit', resolve));
    if (!fs.existsSync(output)) throw new Error(`${String(task.name)}: the probe ended without figures`);
    const figures = JSON.parse(fs.readFileSync(output, 'utf8')) as T & { error?: string };
    if (figures.error) throw new Error(`${String(task.name)}: ${figures.error}`);
    return figures;
  };

  try {
    await migrate(secret, { extraDirs: migrationDirs });
    const client = new pg.Client({ ...secret, user: secret.username, database: secret.dbname });
    await client.connect();
    // Contacts to read, replace and delete: one per fresh process that needs its own.
    const ids = Array.from({ length: 2 * runs + 10 }, () => randomUUID());
    for (const [i, id] of ids.entries()) {
      await client.query('insert into test_contacts (id, email, name) values ($1, $2, $3)', [id, `seed${i}@example.com`, `Seed ${i}`]);
    }
    await client.end();

    const bundles = packageStage(['--param=dbEngine=postgres'], 'postgres');
    // The functions' NODE_OPTIONS as deployed (the lambdalith gets the same).
    const template = JSON.parse(fs.readFileSync(path.join(work, 'package-postgres/cloudformation-template-update-stack.json'), 'utf8'));
    nodeOptions = template.Resources.TestContactsGetLambdaFunction.Properties.Environment.Variables.NODE_OPTIONS ?? '';
    const build = packagedBuild('postgres');
    const baseline = await bundleEntry(lambdalith, 'scripts/bench/lambdalith.ts', build);
    console.log(
      `Node.js ${execFileSync(node, ['--version']).toString().trim()}, NODE_OPTIONS=${nodeOptions || '(none)'}, ${os.cpus().length} CPUs`,
    );
    let unique = 0;
    const email = () => `bench-${(unique += 1)}-${process.pid}@example.com`;
    const userBody = () => JSON.stringify({ email: email(), name: 'Bench User' });
    const userPath = (id: string) => ({ path: `/api/test-contacts/${id}`, route: '/api/test-contacts/{id}', pathParameters: { id } });
    let idCursor = 0;
    const nextId = () => ids[(idCursor += 1) % ids.length]!;
    const json = { 'content-type': 'application/json' };

    if (parts.includes('cold')) {
      printSizes('Bundles on PostgreSQL (sls package --stage dev):', [...bundles, baseline]);
      const documentDb = packageStage(['--param=dbEngine=documentdb'], 'documentdb');
      printSizes('Bundles on DocumentDB (--param=dbEngine=documentdb):', documentDb);
      const traced = packageStage(['--param=traceSubsegments=true'], 'traced');
      printSizes('With X-Ray subsegments (--param=traceSubsegments=true):', traced);

      // Require time: every function, a DocumentDB route and the lambdalith in turn, `runs` rounds of fresh processes.
      const documentDbGet = { ...documentDb.find((bundle) => bundle.name === 'testContactsGet')!, name: 'testContactsGet/docdb' };
      const all = [...bundles, documentDbGet, baseline];
      const requireTimes = new Map<string, number[]>(all.map((bundle) => [bundle.name, []]));
      for (let round = 0; round < runs; round += 1) {
        for (const bundle of all) {
          requireTimes
            .get(bundle.name)!
            .push((await probe<{ require: number }>({ mode: 'require', name: bundle.name, bundle: bundle.file })).require);
        }
      }
      const baseRequire = percentile(requireTimes.get(lambdalith)!, 50);

      // First invocation: each API function's own request, in fresh processes.
      const requests: Record<string, () => { request: RequestShape; expect: number }> = {
        healthLive: () => ({ request: { method: 'GET', path: '/api/health/live' }, expect: 200 }),
        healthReady: () => ({ request: { method: 'GET', path: '/api/health/ready' }, expect: 200 }),
        health: () => ({ request: { method: 'GET', path: '/api/health' }, expect: 200 }),
        testContactsCreate: () => ({
          request: { method: 'POST', path: '/api/test-contacts', headers: json, body: userBody() },
          expect: 201,
        }),
        testContactsList: () => ({ request: { method: 'GET', path: '/api/test-contacts', query: { limit: '20' } }, expect: 200 }),
        testContactsGet: () => ({ request: { method: 'GET', ...userPath(ids[0]!) }, expect: 200 }),
        testContactsUpdate: () => ({ request: { method: 'PUT', ...userPath(nextId()), headers: json, body: userBody() }, expect: 200 }),
        testContactsDelete: () => ({ request: { method: 'DELETE', ...userPath(nextId()) }, expect: 204 }),
        notFound: () => ({ request: { method: 'GET', path: '/api/nothing', route: '$default' }, expect: 404 }),
      };
      const firstRuns = Math.max(5, Math.floor(runs / 5));
      const first = new Map<string, { first: number[]; rss: number[] }>();
      const firstOf = async (bundle: Bundle, make: () => { request: RequestShape; expect: number }) => {
        const figures = { first: [] as number[], rss: [] as number[] };
        for (let i = 0; i < firstRuns; i += 1) {
          const { request, expect } = make();
          const result = await probe<{ first: number; rss: number }>({
            mode: 'first',
            name: bundle.name,
            bundle: bundle.file,
            expect,
            events: [{ event: httpEvent(request) }],
          });
          figures.first.push(result.first);
          figures.rss.push(result.rss);
        }
        first.set(bundle.name, figures);
      };
      for (const bundle of bundles) if (requests[bundle.name]) await firstOf(bundle, requests[bundle.name]!);
      await firstOf(baseline, requests.testContactsGet!);
      const baseFirst = percentile(first.get(lambdalith)!.first, 50);

      const widths = [18, 12, 12, 10, 14, 10, 14, 10, 8, 14];
      console.log(
        `\nCold start: require time over ${runs} fresh processes per function, alternating; first invocation over ${firstRuns} (secret fetch and connection included):`,
      );
      const baseCold = baseRequire + baseFirst;
      console.log(
        row(
          ['function', 'require p50', 'require p90', 'vs lith', 'first inv p50', 'vs lith', 'cold (sum)', 'vs lith', 'RSS', 'zip (no map)'],
          widths,
        ),
      );
      for (const bundle of all) {
        const times = requireTimes.get(bundle.name)!;
        const firstFigures = first.get(bundle.name);
        const firstP50 = firstFigures && percentile(firstFigures.first, 50);
        console.log(
          row(
            [
              bundle.name,
              ms(percentile(times, 50)),
              ms(percentile(times, 90)),
              ratio(percentile(times, 50), baseRequire),
              firstP50 === undefined ? '-' : ms(firstP50),
              firstP50 === undefined ? '-' : ratio(firstP50, baseFirst),
              firstP50 === undefined ? '-' : ms(percentile(times, 50) + firstP50),
              firstP50 === undefined ? '-' : ratio(percentile(times, 50) + firstP50, baseCold),
              firstFigures ? `${(percentile(firstFigures.rss, 50) / 2 ** 20).toFixed(0)} MB` : '-',
              kb(bundle.zipWithoutMap),
            ],
            widths,
          ),
        );
      }
    }

    // Warm: one process per function, `warmCount` invocations per route after the first.
    if (parts.includes('warm')) {
      // Each with the status it must answer: a failing route would otherwise be timed as a fast one.
      const warmEvents = {
        get: { label: 'GET /api/test-contacts/{id}', event: httpEvent({ method: 'GET', ...userPath(ids[0]!) }), expect: 200 },
        create: {
          label: 'POST /api/test-contacts',
          event: httpEvent({ method: 'POST', path: '/api/test-contacts', headers: json }),
          expect: 201,
        },
        list: {
          label: 'GET /api/test-contacts?limit=20',
          event: httpEvent({ method: 'GET', path: '/api/test-contacts', query: { limit: '20' } }),
          expect: 200,
        },
      };
      type Times = Record<string, number[]>;
      const warm = async (bundle: Bundle, events: object[], env?: Record<string, string>) =>
        (
          await probe<{ times: Times }>(
            {
              mode: 'warm',
              name: bundle.name,
              bundle: bundle.file,
              count: warmCount,
              warmup,
              events,
            },
            env,
          )
        ).times;
      const byName = (name: string) => bundles.find((bundle) => bundle.name === name)!;
      // Where a GET's time goes: the bare query with one metrics record after it, the stack by itself, and the
      // bare query when the stack has just run (as a route's query always follows the stack's work).
      const withEmf = `${warmEvents.get.label} + EMF`;
      const afterStack = `${warmEvents.get.label} after the stack`;
      const afterBusy = `${warmEvents.get.label} after 150 µs busy`;
      const stackAfterIdle = `${warmEvents.get.label} stack after idle`;
      // What the proxy below adds to each database round trip, and how long the stack waits before it runs again.
      const delayMs = Number(process.env.BENCH_DB_DELAY_MS ?? 1);
      const stackOnly = await bundleEntry('stackOnly', 'scripts/bench/stack-only.ts', build, true);
      const stackOnlyCreate = await bundleEntry('stackOnlyCreate', 'scripts/bench/stack-only-create.ts', build, true);
      const columnsSql = 'id, email, name, created_at, updated_at';
      const selectUser = { text: `select ${columnsSql} from test_contacts where id = $1`, values: [ids[0]] };
      // The project's insert, which a retry cannot repeat; `$uuid` and `$i` are each query's own.
      const insertUser = (email: string) => ({
        text: `with inserted as (insert into test_contacts (id, email, name) values ($1, $2, $3) on conflict (id) do nothing returning ${columnsSql})
                 select ${columnsSql} from inserted union all select ${columnsSql} from test_contacts where id = $1 and not exists (select 1 from inserted)`,
        values: ['$uuid', email, 'Bare'],
      });
      // The statements through one pg client of their own, on PostgreSQL's port or the proxy's.
      const bareTimes = async (port: number, statements: Record<string, object>) =>
        (
          await probe<{ times: Times }>({
            mode: 'bare',
            pg: require.resolve('pg'),
            connection: { ...secret, port, user: secret.username, database: secret.dbname },
            count: warmCount,
            warmup,
            statements,
          })
        ).times;
      // The three take turns, round after round, so that the machine's drift reaches each alike; each round's
      // times are kept apart too, for the spread of the rounds' ratios.
      const bareRounds: Times[] = [];
      const projectRounds: Times[] = [];
      const lithRounds: Times[] = [];
      /** Every round's times of each label, together. */
      const pool = (rounds: Times[]) => {
        const pooled: Times = {};
        for (const times of rounds) for (const [label, durations] of Object.entries(times)) (pooled[label] ??= []).push(...durations);
        return pooled;
      };
      /** The lowest and highest of the rounds' p50 ratios, route to bare. */
      const spread = (routes: Times[], bares: Times[], label: string) => {
        const ratios = routes.map((times, i) => percentile(times[label]!, 50) / percentile(bares[i]![label]!, 50));
        return `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×`;
      };
      // Every insert its own email: one body per invocation, and one for the first.
      const creates = (prefix: string) => Array.from({ length: warmup + warmCount + 1 }, () => userBody().replace('bench-', prefix));
      for (let round = 0; round < warmRounds; round += 1) {
        bareRounds.push(
          await bareTimes(port, {
            [warmEvents.get.label]: selectUser,
            [withEmf]: { ...selectUser, emf: true },
            [afterStack]: { ...selectUser, after: { bundle: stackOnly.file, ...warmEvents.get } },
            [afterBusy]: { ...selectUser, busyUs: 150 },
            [warmEvents.create.label]: insertUser(`bare-${round}-$i@example.com`),
            [warmEvents.list.label]: { text: `select ${columnsSql} from test_contacts order by id limit $1`, values: [21] },
          }),
        );
        projectRounds.push({
          ...(await warm(byName('testContactsGet'), [warmEvents.get])),
          [stackOnly.name]: (await warm(stackOnly, [warmEvents.get]))[warmEvents.get.label]!,
          ...(await warm(stackOnly, [{ ...warmEvents.get, label: stackAfterIdle, idleMs: delayMs }])),
          [stackOnlyCreate.name]: (await warm(stackOnlyCreate, [{ ...warmEvents.create, bodies: creates('stack-') }]))[
            warmEvents.create.label
          ]!,
          ...(await warm(byName('testContactsCreate'), [{ ...warmEvents.create, bodies: creates('route-') }])),
          ...(await warm(byName('testContactsList'), [warmEvents.list])),
        });
        lithRounds.push(await warm(baseline, [warmEvents.get, { ...warmEvents.create, bodies: creates('lith-') }, warmEvents.list]));
      }
      const [bare, project, lith] = [bareRounds, projectRounds, lithRounds].map(pool) as [Times, Times, Times];
      const warmWidths = [26, 11, 11, 11, 11, 13, 10, 11, 11, 11, 11];
      console.log(
        `\nWarm, ${warmRounds} rounds of ${warmCount} invocations per route in one process; bare = the same statement through one pg client:`,
      );
      console.log(
        row(
          ['route', 'bare p50', 'route p50', 'route p99', 'vs bare', 'rounds', 'overhead', 'lith p50', 'lith p99', 'vs bare', 'route/lith'],
          warmWidths,
        ),
      );
      const µs = (value: number) => `${(value * 1000).toFixed(0)} µs`;
      for (const { label } of Object.values(warmEvents)) {
        const [b, r, l] = [bare[label]!, project[label]!, lith[label]!];
        const bareP50 = percentile(b, 50);
        console.log(
          row(
            [
              label,
              ms(bareP50),
              ms(percentile(r, 50)),
              ms(percentile(r, 99)),
              ratio(percentile(r, 50), bareP50),
              spread(projectRounds, bareRounds, label),
              µs(percentile(r, 50) - bareP50),
              ms(percentile(l, 50)),
              ms(percentile(l, 99)),
              ratio(percentile(l, 50), bareP50),
              ratio(percentile(r, 50), percentile(l, 50)),
            ],
            warmWidths,
          ),
        );
      }
      const bareGet = percentile(bare[warmEvents.get.label]!, 50);
      const part = (label: string, value: number) =>
        console.log(`  ${label.padEnd(62)} ${ms(value).padStart(9)}  ${ratio(value, bareGet)}`);
      console.log(`\nWhere ${warmEvents.get.label} goes (p50, and vs the bare query):`);
      part('the bare query', bareGet);
      part('the bare query plus one Powertools EMF record', percentile(bare[withEmf]!, 50));
      part('the route answering from memory: the stack by itself, no query', percentile(project[stackOnly.name]!, 50));
      part(`the stack by itself, each run after ${delayMs} ms idle`, percentile(project[stackAfterIdle]!, 50));
      part('the bare query right after the stack ran (timed alone)', percentile(bare[afterStack]!, 50));
      part('the bare query after 150 µs of busy CPU (timed alone)', percentile(bare[afterBusy]!, 50));
      part('the route', percentile(project[warmEvents.get.label]!, 50));
      const bareCreate = percentile(bare[warmEvents.create.label]!, 50);
      const stackCreate = percentile(project[stackOnlyCreate.name]!, 50);
      const routeCreate = percentile(project[warmEvents.create.label]!, 50);
      console.log(
        `For ${warmEvents.create.label}: the bare insert ${ms(bareCreate)}; the stack by itself ${ms(stackCreate)} (${ratio(stackCreate, bareCreate)}); the route ${ratio(routeCreate, bareCreate)}.`,
      );

      // The same comparison with database round trips about as long as in AWS: the route and the bare query
      // both reach PostgreSQL through a loopback proxy that holds each request BENCH_DB_DELAY_MS (default 1).
      const proxy = await startDelayProxy(port, delayMs);
      try {
        fs.writeFileSync(path.join(secretsDir, 'db-delayed.json'), JSON.stringify({ ...secret, port: proxy.port }));
        const delayed = { DB_SECRET_ID: 'db-delayed' };
        const delayedBareRounds: Times[] = [];
        const delayedRouteRounds: Times[] = [];
        for (let round = 0; round < warmRounds; round += 1) {
          delayedBareRounds.push(
            await bareTimes(proxy.port, {
              [warmEvents.get.label]: selectUser,
              [warmEvents.create.label]: insertUser(`delayed-bare-${round}-$i@example.com`),
            }),
          );
          delayedRouteRounds.push({
            ...(await warm(byName('testContactsGet'), [warmEvents.get], delayed)),
            ...(await warm(byName('testContactsCreate'), [{ ...warmEvents.create, bodies: creates('delayed-') }], delayed)),
          });
        }
        const [delayedBare, delayedRoute] = [delayedBareRounds, delayedRouteRounds].map(pool) as [Times, Times];
        console.log(`\nWith ${delayMs} ms added to each database round trip (a loopback proxy), as a database in a VPC answers:`);
        const delayedWidths = [26, 11, 11, 11, 11, 13, 10];
        console.log(row(['route', 'bare p50', 'route p50', 'route p99', 'vs bare', 'rounds', 'overhead'], delayedWidths));
        for (const { label } of [warmEvents.get, warmEvents.create]) {
          const bareP50 = percentile(delayedBare[label]!, 50);
          const routeP50 = percentile(delayedRoute[label]!, 50);
          console.log(
            row(
              [
                label,
                ms(bareP50),
                ms(routeP50),
                ms(percentile(delayedRoute[label]!, 99)),
                ratio(routeP50, bareP50),
                spread(delayedRouteRounds, delayedBareRounds, label),
                µs(routeP50 - bareP50),
              ],
              delayedWidths,
            ),
          );
        }
      } finally {
        await proxy.close();
      }
    }
  } finally {
    await secrets.close();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(path.join(root, '.esbuild-bench'), { recursive: true, force: true });
  }
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
