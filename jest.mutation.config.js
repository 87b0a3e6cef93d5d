/**
 * The layers mutation testing runs (stryker.config.mjs): unit and integration by default, never the
 * ones that spawn servers or package. MUTATION_LAYERS=unit runs the unit tests alone, for a quick
 * pass; MUTATION_TESTS names the integration test files of an area (comma-separated names under
 * test/integration, without .test.ts), so that a run does not start every file's database.
 */
const { projects } = require('./jest.config');

const layers = (process.env.MUTATION_LAYERS ?? 'unit,integration').split(',');
/**
 * The integration files that each test one part, quickly. The scenario files (storms, outages, idle
 * sessions, hostile input, the embedded cluster) go through the handlers over what database.test.ts
 * tests directly, at many times the cost per mutant: name them in MUTATION_TESTS to add them.
 */
const focusedTests = [
  'database',
  'handlers',
  'auth',
  'idempotency',
  'users-contract',
  'secrets-aws',
  'rotation-and-outage',
  'application-role',
  'migrate-function',
  'release-migrations',
  'migrate-wait',
  'cognito-tokens',
  'alerts',
];
const areaTests = (process.env.MUTATION_TESTS?.split(',') ?? focusedTests).map(
  (name) => `<rootDir>/test/integration/${name.trim()}.test.ts`,
);

module.exports = {
  projects: projects
    .filter((project) => layers.includes(project.displayName))
    .map((project) => (project.displayName === 'integration' ? { ...project, testMatch: areaTests } : project)),
};
