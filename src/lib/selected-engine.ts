/* eslint-disable @typescript-eslint/no-require-imports -- a require in a branch is what lets a bundle leave the other engine out */
import type { SchemaEngine, StorageEngine } from './storage/engine';

/**
 * The stage's storage engine. `process.env.DB_ENGINE` is a constant in each bundle (esbuild's
 * `define`, from `params.dbEngine`), so the branch not taken, and its driver, are not bundled
 * (an if/else statement: esbuild drops a dead branch of one, not of a conditional expression).
 * A third engine is one module and one branch here.
 */
export function selectedEngine(): StorageEngine {
  if (process.env.DB_ENGINE === 'documentdb') {
    return (require('./documentdb/engine') as typeof import('./documentdb/engine')).documentDbEngine;
  } else {
    return (require('./db/engine') as typeof import('./db/engine')).postgresEngine;
  }
}

/** The stage's schema steps, chosen the same way: for the migrate function. */
export function selectedSchema(): SchemaEngine {
  if (process.env.DB_ENGINE === 'documentdb') {
    return (require('./documentdb/schema') as typeof import('./documentdb/schema')).documentDbSchema;
  } else {
    return (require('./db/schema') as typeof import('./db/schema')).postgresSchema;
  }
}
