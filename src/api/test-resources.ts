import type { Resource } from '../lib/resource/resource';

/**
 * What the test suite adds to the service: nothing, outside it. Under the `platform-tests` condition, which the tests
 * set, `#test-resources` (package.json's imports) is test/fixtures/api/index.ts instead: the platform's own resource.
 */
export const resources: readonly Resource[] = [];
/** Folders of migrations beside migrations/, from the project's root, applied in the one order of their files' names. */
export const migrationDirs: readonly string[] = [];
