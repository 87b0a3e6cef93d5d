'use strict';

/** The esbuild plugins of every function's build (serverless.yml, custom.esbuild.plugins). */
module.exports = [
  require('./brotli-assets.cjs').esbuildPlugin,
  require('./contract-plugin.cjs').esbuildPlugin,
  require('./test-conditions.cjs').esbuildPlugin,
];
