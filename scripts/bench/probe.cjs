'use strict';

/**
 * Runs in a fresh Node.js process, started by scripts/bench.ts (and by
 * test/integration/lambda-runtime.test.ts, on the runtime's Node.js), so that nothing but the
 * bundle under test is loaded: `node probe.cjs <task.json>`. The task names the bundle, what to
 * measure, and where to write the figures (stdout belongs to the function's own log lines).
 *
 * - require: the time to load the bundle, as the runtime's init phase does, and the Node.js modules that loaded;
 * - first: that, then the first invocation (secret fetch and connection included), its response, and the RSS after it;
 * - warm: `count` invocations of each event after a first one and `warmup` untimed ones, one after the other (an
 *   event with `idleMs` waits that long, untimed, before each, as a route's code does while its query is away);
 * - bare: the same statements through one pg client, the floor a route's warm latency is compared to
 *   (a statement with `emf` also writes one metrics record per query, as every invocation does; one with `after`
 *   runs a function before each query, and one with `busyUs` keeps the CPU busy that long, both untimed).
 */
const fs = require('node:fs');
const { setTimeout } = require('node:timers');

const task = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
// A probe stops by itself: an invocation that never settles is reported, not waited for.
setTimeout(() => {
  fs.writeFileSync(task.output, JSON.stringify({ error: `no answer within 60 s (${task.mode})` }));
  process.exit(1);
}, 60_000).unref();
const now = () => Number(process.hrtime.bigint()) / 1e6;
const context = (name) => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: name,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
  memoryLimitInMB: '1024',
  awsRequestId: `bench-${Math.random().toString(36).slice(2)}`,
  logGroupName: `/aws/lambda/${name}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
});

async function invoke(handler, event, name, expected = task.expect) {
  // serverless-express answers through the callback as well as the promise, as Lambda allows.
  const result = await new Promise((resolve, reject) => {
    const returned = handler(event, context(name), (error, value) => (error ? reject(error) : resolve(value)));
    if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
  });
  if (expected && result.statusCode !== expected) throw new Error(`${name} answered ${result.statusCode}: ${result.body}`);
  return result;
}

/** Node.js's own public modules (`http`, `zlib`, ...) loaded since `before` was taken of process.moduleLoadList. */
const builtinsLoadedSince = (before) =>
  process.moduleLoadList
    .filter((entry) => !before.has(entry) && /^NativeModule (?!internal\/)/.test(entry))
    .map((entry) => entry.slice('NativeModule '.length));

async function run() {
  if (task.mode === 'bare') {
    const { Client } = require(task.pg);
    const client = new Client(task.connection);
    await client.connect();
    // `emf`: each query followed by one Powertools EMF record, what a route's metrics cost at the least.
    const { Metrics, MetricUnit } = require('@aws-lambda-powertools/metrics');
    const metrics = new Metrics({ namespace: 'Bench', serviceName: 'bench' });
    const statements = Object.entries(task.statements).map(([label, statement]) => ({
      label,
      statement,
      // `after`: a function invoked (untimed) before each query, so that the query runs where a route's does.
      before: statement.after && require(statement.after.bundle).handler,
      durations: [],
    }));
    const query = async ({ statement, before }, i) => {
      if (before) await invoke(before, statement.after.event, 'stackOnly', statement.after.expect);
      // `busyUs`: the CPU busy that long before each query, untimed, with nothing else to do.
      for (const until = now() + (statement.busyUs ?? 0) / 1000; now() < until;);
      const values = statement.values.map((value) => (value === '$uuid' ? require('node:crypto').randomUUID() : value));
      const started = now();
      await client.query(
        statement.text,
        values.map((value) => (typeof value === 'string' ? value.replace('$i', i) : value)),
      );
      if (statement.emf) {
        metrics.addMetric('Status2xx', MetricUnit.Count, 1);
        metrics.publishStoredMetrics();
      }
      return now() - started;
    };
    for (const subject of statements) for (let i = 0; i < task.warmup; i += 1) await query(subject, task.count + i);
    // The statements take turns in blocks, so that the machine's drift reaches each alike; a block is long enough
    // for a statement to run back to back, as the bare query is meant to.
    const block = 100;
    for (let start = 0; start < task.count; start += block) {
      for (const subject of statements) {
        for (let i = start; i < Math.min(start + block, task.count); i += 1) subject.durations.push(await query(subject, i));
      }
    }
    const times = Object.fromEntries(statements.map(({ label, durations }) => [label, durations]));
    await client.end();
    return { times };
  }
  const loadedBefore = new Set(process.moduleLoadList);
  const started = now();
  const { handler } = require(task.bundle);
  const required = now() - started;
  const builtins = builtinsLoadedSince(loadedBefore);
  if (task.mode === 'require') return { require: required, builtins };
  const events = task.events;
  // A request with a body takes its own: the last one, which the warm runs below do not reach.
  const request = ({ event, bodies }, i) => (bodies ? { ...event, body: bodies.at(i) } : event);
  const firstStarted = now();
  const response = await invoke(handler, request(events[0], -1), task.name, events[0].expect);
  const first = now() - firstStarted;
  const rss = process.memoryUsage().rss;
  if (task.mode === 'first') return { require: required, builtins, first, rss, response };
  const times = {};
  for (const routeEvents of events) {
    const durations = [];
    for (let i = 0; i < task.count + task.warmup; i += 1) {
      const next = request(routeEvents, i);
      if (routeEvents.idleMs) await new Promise((resolve) => setTimeout(resolve, routeEvents.idleMs));
      const invokeStarted = now();
      await invoke(handler, next, task.name, routeEvents.expect);
      if (i >= task.warmup) durations.push(now() - invokeStarted);
    }
    times[routeEvents.label] = durations;
  }
  return { times, rss: process.memoryUsage().rss };
}

run().then(
  (figures) => {
    fs.writeFileSync(task.output, JSON.stringify(figures));
    process.exit(0);
  },
  (error) => {
    fs.writeFileSync(task.output, JSON.stringify({ error: String(error && error.stack ? error.stack : error) }));
    process.exit(1);
  },
);
