'use strict';

/**
 * A TypeScript module of the project, from a file of resources/: jest and tsx read TypeScript themselves; serverless
 * loads resources/ with Node.js's own require, which does not, so tsx's require reads it then.
 */
function loadTypeScript(module) {
  try {
    return require(module);
  } catch (error) {
    if (error.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes(module)) throw error;
    return require('tsx/cjs/api').require(`${module}.ts`, __filename);
  }
}

module.exports = { loadTypeScript };
