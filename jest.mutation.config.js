/**
 * The layers mutation testing runs (stryker.config.mjs): unit and integration by default, never the
 * ones that spawn servers or package. MUTATION_LAYERS=unit runs the unit tests alone, for a quick pass.
 */
const { projects } = require('./jest.config');

const layers = (process.env.MUTATION_LAYERS ?? 'unit,integration').split(',');
module.exports = { projects: projects.filter((project) => layers.includes(project.displayName)) };
