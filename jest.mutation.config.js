/**
 * The layers mutation testing runs (stryker.config.mjs): unit and integration by default, never the
 * ones that spawn servers or package. MUTATION_LAYERS=unit runs the unit tests alone, for a quick
 * pass; MUTATION_TESTS names the integration test files of an area (comma-separated names under
 * test/integration, without .test.ts), so that a run does not start every file's database.
 */
const { projects } = require('./jest.config');

const layers = (process.env.MUTATION_LAYERS ?? 'unit,integration').split(',');
const areaTests = process.env.MUTATION_TESTS?.split(',').map((name) => `<rootDir>/test/integration/${name.trim()}.test.ts`);

module.exports = {
  projects: projects
    .filter((project) => layers.includes(project.displayName))
    .map((project) => (project.displayName === 'integration' && areaTests ? { ...project, testMatch: areaTests } : project)),
};
