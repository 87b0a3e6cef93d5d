// Mutation testing, one area at a time: npm run test:mutation (every area, then the per-file scores),
// npm run test:mutation -- database (one area), or one file of an area:
//   npm run test:mutation -- routes --mutate src/lib/http/route.ts
// Reports (HTML and JSON) go to reports/mutation/<area>/, which git ignores. Not part of npm test or CI.

/**
 * Each area: the files it mutates, the test files beyond the unit tests (which always run) that
 * reach them, and the local AWS servers those use, which scripts/mutation.ts starts once for all
 * the runs. A file belongs to the first area whose globs match it; `unit` takes the rest. The
 * scenario files (storms, rotation under load, outages, idle sessions, hostile input, the embedded
 * cluster) repeat through the handlers what the focused files test directly, at many times the
 * cost per mutant: add them with MUTATION_TESTS to a run that needs them.
 */
export const areas = Object.freeze({
  database: { mutate: ['src/lib/db/database.ts'], tests: ['integration/database'] },
  access: {
    mutate: ['src/lib/storage/access.ts', 'src/lib/aws-requests.ts'],
    tests: ['integration/secrets-aws', 'integration/hung-database'],
  },
  idempotency: {
    mutate: ['src/lib/http/{idempotency,idempotency-store,idempotency-settings}.ts'],
    tests: ['integration/idempotency'],
    servers: ['dynamodb'],
  },
  auth: {
    mutate: ['src/lib/auth/{authenticate,jwks-document}.ts'],
    tests: ['integration/auth', 'integration/cognito-tokens'],
    servers: ['moto'],
  },
  routes: {
    // The platform's code: a service's own resources (src/api/<name>/) are its team's, tested by their contract tests.
    mutate: [
      'src/handlers/{health*,not-found}.ts',
      'src/lib/http/{route,database-route,secured-route,readiness,request-metrics,responses}.ts',
      'src/lib/resource/*.ts',
      'src/lib/storage/{engine,secret,repository}.ts',
      'src/lib/{metrics,tracing,lifecycle,selected-engine}.ts',
      'src/lib/db/{engine,table}.ts',
    ],
    // The idempotency tests too: the idempotent routes key each request by the caller the secured route hands over.
    tests: ['integration/handlers', 'api/*/contract', 'integration/postgres-table', 'integration/idempotency'],
    servers: ['dynamodb'],
  },
  release: {
    mutate: [
      'src/lib/db/{migrate,application-role,schema}.ts',
      'src/handlers/{migrate,release-migrations,pre-traffic,user-pool-keys}.ts',
      'src/lib/release/*.ts',
    ],
    tests: ['integration/release-functions', 'integration/migrate-function', 'integration/application-role', 'integration/migrate-wait'],
  },
  alerts: {
    mutate: ['src/lib/alerts/*.ts', 'src/lib/events/*.ts', 'src/handlers/alerts.ts'],
    tests: ['integration/alerts'],
    servers: ['dynamodb', 'moto'],
  },
  contract: {
    mutate: ['src/lib/openapi/*.ts', 'src/handlers/{openapi,docs,docs-assets}.ts'],
    tests: ['integration/docs', 'infrastructure/openapi'],
  },
  // The DocumentDB engine against the local MongoDB-protocol server (FerretDB, built once per machine with Go).
  documentdb: {
    mutate: ['src/lib/documentdb/*.ts'],
    tests: ['integration/documentdb', 'api/*/contract'],
  },
  unit: { mutate: ['src/lib/**/*.ts', 'src/handlers/*.ts'], tests: [] },
});

const name = process.env.MUTATION_AREA ?? 'unit';
const area = areas[name];
if (!area) throw new Error(`MUTATION_AREA=${name} is not an area: ${Object.keys(areas).join(', ')}`);
// The areas before this one keep their files.
const earlier = Object.keys(areas).slice(0, Object.keys(areas).indexOf(name));
const taken = earlier.flatMap((other) => areas[other].mutate.map((glob) => `!${glob}`));
// Read by jest.mutation.config.js in the test runner processes, which inherit this environment; a
// MUTATION_TESTS given adds its files to the area's.
const extra = process.env.MUTATION_TESTS?.split(',').filter(Boolean) ?? [];
process.env.MUTATION_TESTS = [...new Set([...area.tests, ...extra])].join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.mutation.config.js',
    // Not by imports: the integration tests load each handler by name, in its own module registry (a
    // container), which an import graph does not see. Per-test coverage picks each mutant's tests.
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  mutate: [...area.mutate, ...taken, '!src/**/*.test.ts', '!src/**/*.d.ts'],
  ignoreStatic: true,
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${name}/mutation.json` },
  // With --incremental, only the mutants whose code or tests changed since the area's last run are tested again.
  incrementalFile: `reports/mutation/${name}/incremental.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 80, break: null },
};
