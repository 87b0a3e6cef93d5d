'use strict';

/**
 * Files the functions serve compressed. `import asset from 'brotli:<module>/<file>'` gives the
 * file's bytes compressed with Brotli (quality 11, text mode) and base64-encoded: the bundle and
 * its zip hold the file compressed, and a response carries it as it is (`Content-Encoding: br`).
 * Compressing once at build time costs a few seconds, once per machine (the cache below);
 * compressing per response would cost every request. The esbuild plugin builds the packaged
 * functions and sls offline's (serverless.yml, custom.esbuild.plugins); `process` is jest's
 * transform of the same files (jest.config.js).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const prefix = 'brotli:';

/** Where compressed files are kept by their content's hash: Brotli's best takes about 3 s for Swagger UI's script. */
const cache = path.resolve(__dirname, '../node_modules/.cache/brotli-assets');

/** The cache's file for `bytes`, compressed. */
const cacheFile = (bytes) => path.join(cache, `${crypto.createHash('sha256').update(bytes).digest('hex')}.br`);

/** `bytes` compressed with Brotli, from the cache when the same bytes were compressed before. */
function compress(bytes) {
  const file = cacheFile(bytes);
  if (fs.existsSync(file)) return fs.readFileSync(file);
  const compressed = zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  // Written beside and moved in whole: builds in parallel (sls offline and a package) may both write it.
  fs.mkdirSync(cache, { recursive: true });
  const staging = `${file}.${process.pid}`;
  fs.writeFileSync(staging, compressed);
  fs.renameSync(staging, file);
  return compressed;
}

/** A CommonJS module whose export is `bytes` compressed with Brotli, base64-encoded. */
function brotliModule(bytes) {
  return `module.exports = ${JSON.stringify(compress(bytes).toString('base64'))};\n`;
}

/** esbuild: resolves `brotli:<module>/<file>` to the file, and loads it as its compressed bytes. */
const esbuildPlugin = {
  name: 'brotli-assets',
  setup(build) {
    build.onResolve({ filter: /^brotli:/ }, (args) => ({
      path: require.resolve(args.path.slice(prefix.length), { paths: [args.resolveDir] }),
      namespace: 'brotli',
    }));
    build.onLoad({ filter: /.*/, namespace: 'brotli' }, (args) => ({
      contents: brotliModule(fs.readFileSync(args.path)),
      resolveDir: __dirname,
      loader: 'js',
    }));
  },
};

module.exports = {
  brotliModule,
  cacheFile,
  esbuildPlugin,
  /** jest's transform: moduleNameMapper takes the `brotli:` prefix off, and this compresses the file. */
  process: (_source, file) => ({ code: brotliModule(fs.readFileSync(file)) }),
};
