import * as registered from './resources';
import * as testResources from '#test-resources';

export { api } from './service';

/**
 * The API's resources (src/api/resources.ts), by name: the functions, scopes, contract and schema
 * steps are derived from this list (src/api/functions.ts, src/api/contract.ts, the migrate function).
 * The test suite's own resource joins them while it runs (src/api/test-resources.ts).
 */
export const resources = Object.freeze(
  [...Object.values(registered), ...testResources.resources].sort((a, b) => a.name.localeCompare(b.name)),
);

/** The folders of migrations beyond migrations/: the test suite's, while it runs. */
export const { migrationDirs } = testResources;
