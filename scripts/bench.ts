/**
 * Prints the figures that matter for Lambda: bundle sizes, cold-start initialisation of each
 * bundled function, and warm latency of the users routes against a real PostgreSQL.
 * Usage: npm run bench. Figures only, no pass or fail: compare them between commits.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/local/local-stack';
import { PostgresServer } from '../src/local/postgres-server';
import { loopbackAwsEnv } from '../src/local/aws-endpoints';
import { startSecretsEndpoint } from '../src/local/secrets-endpoint';
import { migrate } from '../src/lib/db/migrate';
import { testAuthEnv } from '../test/support/auth';
import { invoke } from '../test/support/events';

const root = path.resolve(__dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'users-api-bench-'));
fs.chmodSync(work, 0o755);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main() {
  const port = await freePort();
  const secret = { engine: 'postgres', host: '127.0.0.1', port, username: 'postgres', password: 'bench-password', dbname: 'postgres' };
  const server = await PostgresServer.start({ dataDir: path.join(work, 'data'), port, password: secret.password });
  const secretsDir = path.join(work, 'secrets');
  fs.mkdirSync(secretsDir);
  fs.writeFileSync(path.join(secretsDir, 'db.json'), JSON.stringify(secret));
  const secrets = await startSecretsEndpoint(secretsDir);
  const env = {
    STAGE: 'local',
    DB_SECRET_ID: 'db',
    ...loopbackAwsEnv({ SECRETS_MANAGER: secrets.url }),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // The in-process invocations below would print an EMF record each.
    POWERTOOLS_METRICS_DISABLED: 'true',
    // The alerts function's settings: its module reads them at start.
    ALERTS_TOPIC_ARN: 'arn:aws:sns:eu-west-1:000000000000:bench',
    ALERTS_TABLE: 'bench',
    SLACK_WEBHOOK_SECRET_ID: 'slack-webhook',
    // The users routes verify tokens at start; the requests below carry one of the same issuer.
    ...testAuthEnv(),
    IDEMPOTENCY_TABLE: 'bench',
  };
  try {
    await migrate(secret);

    // Each engine's bundles carry only its driver (src/lib/storage/selected-engine.ts).
    // And what X-Ray subsegments (params.traceSubsegments) add to them.
    for (const [engine, traceSubsegments] of [
      ['postgres', 'false'],
      ['documentdb', 'false'],
      ['postgres', 'true'],
    ] as const) {
      const params = [`--param=dbEngine=${engine}`, `--param=traceSubsegments=${traceSubsegments}`];
      console.log(`Bundles on ${engine}, traceSubsegments=${traceSubsegments} (sls package --stage dev ${params.join(' ')}):`);
      const packaged = path.join(work, `package-${engine}-${traceSubsegments}`);
      execFileSync(
        process.execPath,
        [require.resolve('serverless/bin/serverless.js'), 'package', '--stage', 'dev', ...params, '--package', packaged],
        {
          cwd: root,
          env: { ...process.env, ESBUILD_WORK_FOLDER: '.esbuild-bench' },
          stdio: 'ignore',
        },
      );
      for (const zip of fs.readdirSync(packaged).filter((file) => file.endsWith('.zip'))) {
        const name = zip.replace(/\.zip$/, '');
        const dir = path.join(work, `bundles-${engine}-${traceSubsegments}`, name);
        fs.mkdirSync(dir, { recursive: true });
        execFileSync('unzip', ['-q', '-o', path.join(packaged, zip), '-d', dir]);
        const handlerFile = fs.readdirSync(path.join(dir, 'src/handlers')).find((file) => file.endsWith('.js'))!;
        // A fresh process per function: module initialisation is what a cold start adds before the handler runs.
        const probe = `const t=process.hrtime.bigint();require(${JSON.stringify(path.join(dir, 'src/handlers', handlerFile))});const init=Number(process.hrtime.bigint()-t)/1e6;setTimeout(()=>{console.log(JSON.stringify({init,rss:process.memoryUsage().rss}));process.exit(0)},50)`;
        const { init, rss } = JSON.parse(
          execFileSync(process.execPath, ['-e', probe], {
            // The Lambda runtime provides the AWS SDK; here the project's copy stands in for it.
            env: { ...process.env, ...env, DB_ENGINE: engine, NODE_PATH: path.join(root, 'node_modules') },
          }).toString(),
        );
        console.log(
          `  ${name.padEnd(18)} zip ${(fs.statSync(path.join(packaged, zip)).size / 1024).toFixed(0).padStart(5)} KB   init ${ms(init).padStart(10)}   rss ${(rss / 2 ** 20).toFixed(0)} MB`,
        );
      }
    }

    Object.assign(process.env, env);
    const create = (await import('../src/handlers/users-create')).handler as unknown as Parameters<typeof invoke>[0];
    const get = (await import('../src/handlers/users-get')).handler as unknown as Parameters<typeof invoke>[0];
    const list = (await import('../src/handlers/users-list')).handler as unknown as Parameters<typeof invoke>[0];
    const measure = async (label: string, count: number, run: (i: number) => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const started = performance.now();
        await run(i);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(
        `  ${label.padEnd(26)} p50 ${ms(percentile(times, 50))}   p95 ${ms(percentile(times, 95))}   p99 ${ms(percentile(times, 99))}`,
      );
    };
    console.log('Warm invocations, one container, local PostgreSQL:');
    const ids: string[] = [];
    await measure('POST /api/users', 500, async (i) => {
      const reply = await invoke(create, {
        method: 'POST',
        path: '/api/users',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `bench${i}@example.com`, name: `Bench ${i}` }),
      });
      ids.push(reply.body.id);
    });
    await measure('GET /api/users/{id}', 1000, (i) =>
      invoke(get, { method: 'GET', path: '/', pathParameters: { id: ids[i % ids.length]! } }),
    );
    await measure('GET /api/users?limit=20', 1000, () => invoke(list, { method: 'GET', path: '/api/users', query: { limit: '20' } }));
    const memory = process.memoryUsage();
    console.log(
      `  memory after the run: rss ${(memory.rss / 2 ** 20).toFixed(0)} MB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MB`,
    );
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
