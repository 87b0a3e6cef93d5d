'use strict';

/**
 * esbuild: loads src/api/contract.ts as the contract it generates, so that a bundle holds the
 * document as JSON rather than the generator (zod-openapi) and every resource's schemas.
 */
const contractModule = /[\\/]src[\\/]api[\\/]contract\.ts$/;

const esbuildPlugin = {
  name: 'contract',
  setup(build) {
    build.onLoad({ filter: contractModule }, (args) => {
      const { contractText } = require('tsx/cjs/api').require(args.path, __filename);
      return {
        contents: `export const contractText = ${JSON.stringify(contractText)};\nexport const contract = JSON.parse(contractText);\n`,
        loader: 'js',
      };
    });
  },
};

module.exports = { esbuildPlugin };
