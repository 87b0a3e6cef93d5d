/**
 * Unit tests sit beside the code in src/; integration and end-to-end tests use real servers. A
 * resource's contract tests (src/api/<resource>/contract.test.ts) sit in its folder and are integration tests.
 */
const contractTests = '<rootDir>/src/api/*/contract.test.ts';

const shared = {
  transform: {
    // The docs page's renderer, which the bundles hold Brotli-compressed (`brotli:` imports).
    'swagger-ui-dist/.+\\.(js|css)$': '<rootDir>/scripts/brotli-assets.cjs',
    // Transpile only: `npm run typecheck` checks types once for the whole tree.
    '^.+\\.(t|j)s$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'es2022',
          allowJs: true,
          isolatedModules: true,
          esModuleInterop: true,
        },
      },
    ],
  },
  // middy, uuid and swagger-parser's ref parser ship ES modules only.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|uuid|@apidevtools|swagger-ui-dist)/)'],
  // Node's, stopping whatever a test file left running when it ends, pass or fail.
  testEnvironment: '<rootDir>/test/support/environment.ts',
  // The service the tests stand on has their own resource (#test-resources, package.json; scripts/test-conditions.cjs).
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons', 'platform-tests'] },
  // As in every bundle (the esbuild aliases in serverless.yml): @middy/secrets-manager and the code run on the small
  // client, the mongodb driver on Node.js's URL parser.
  moduleNameMapper: {
    '^@aws-sdk/client-secrets-manager$': '<rootDir>/src/lib/secrets-manager.ts',
    '^whatwg-url$': '<rootDir>/src/lib/documentdb/whatwg-url.ts',
    '^brotli:(.+)$': '$1',
  },
  setupFiles: ['<rootDir>/test/support/env.ts'],
  // What a test or hook of each layer may take.
  setupFilesAfterEnv: ['<rootDir>/test/support/layer-timeout.ts'],
};

/** The layers that start servers: the local DocumentDB server is built before their first test, never inside one. */
const startsServers = { globalSetup: '<rootDir>/test/support/global-setup.ts' };

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/src/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/src/api/[^/]+/contract\\.test\\.ts$'],
    },
    { ...shared, ...startsServers, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts', contractTests] },
    { ...shared, ...startsServers, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...shared, displayName: 'infrastructure', testMatch: ['<rootDir>/test/infrastructure/**/*.test.ts'] },
  ],
};
