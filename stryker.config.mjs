// Mutation testing: npm run test:mutation (everything), or one area or file:
//   npm run test:mutation -- --mutate 'src/lib/db/database.ts'
// Reports (HTML and JSON) go to reports/mutation/, which git ignores. Not part of npm test or CI.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    // The unit and integration layers: they run in this process, where Stryker sees which test reaches which mutant.
    configFile: 'jest.mutation.config.js',
    // Each mutated file is tested by the test files that import it, directly or not.
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  mutate: ['src/lib/**/*.ts', 'src/handlers/**/*.ts', '!src/**/*.test.ts', '!src/**/*.d.ts'],
  ignoreStatic: true,
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 85, low: 80, break: null },
};
