/**
 * The tests a mutation run uses (stryker.config.mjs): the unit tests always, plus the files that
 * MUTATION_TESTS names (comma-separated, without .test.ts: `integration/database` under test/, and
 * the resources' contract tests under src/, as `api/<glob>/contract`).
 * Never the layers that spawn servers or package by default: only the files an area names.
 */
const { projects } = require('./jest.config');

const named = (process.env.MUTATION_TESTS ?? '')
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const testsOf = (layer) => [
  ...named.filter((name) => name.startsWith(`${layer}/`)).map((name) => `<rootDir>/test/${name}.test.ts`),
  ...(layer === 'integration' ? named.filter((name) => name.startsWith('api/')).map((name) => `<rootDir>/src/${name}.test.ts`) : []),
];

module.exports = {
  projects: projects
    .map((project) => (project.displayName === 'unit' ? project : { ...project, testMatch: testsOf(project.displayName) }))
    .filter((project) => project.testMatch.length > 0),
};
