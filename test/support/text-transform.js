/** Jest's stand-in for esbuild's `with { type: 'text' }`: the file's content as the module's default export. */
module.exports = {
  process: (source) => ({ code: `module.exports = ${JSON.stringify(source)};` }),
};
