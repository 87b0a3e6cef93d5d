'use strict';

/**
 * The package.json condition under which `#test-resources` is the test suite's own resource (test/fixtures/api/):
 * the tests set it in NODE_OPTIONS, so that every process they start (sls offline, tsx) and every bundle built in
 * them see the same service.
 */
const testCondition = 'platform-tests';

/** Whether this process runs with the condition (`--conditions=platform-tests` or `-C platform-tests`). */
const underTest = () =>
  [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some(
    (argument, index, all) =>
      argument === `--conditions=${testCondition}` || (['-C', '--conditions'].includes(all[index - 1]) && argument === testCondition),
  );

/** esbuild: a bundle built under the condition resolves with it too (esbuild's default condition, `module`, kept). */
const esbuildPlugin = {
  name: 'test-conditions',
  setup(build) {
    if (underTest()) build.initialOptions.conditions = [...(build.initialOptions.conditions ?? ['module']), testCondition];
  },
};

module.exports = { testCondition, underTest, esbuildPlugin };
