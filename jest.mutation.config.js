/** The layers mutation testing runs (stryker.config.mjs): unit and integration, not the ones that spawn servers or package. */
const { projects } = require('./jest.config');

module.exports = { projects: projects.filter((project) => ['unit', 'integration'].includes(project.displayName)) };
