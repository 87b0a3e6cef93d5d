/* eslint-disable @typescript-eslint/no-require-imports -- a require in a branch is what lets a bundle leave the other engine out */
import type { Database } from '../../lib/db/database';
import type { DocumentStore } from '../../lib/documentdb/store';
import type { StorageConnection } from '../../lib/storage/engine';
import { usersStorage, type UserInput, type UsersRepository } from './model';

/**
 * The adapter of the stage's engine, chosen when the module loads (a cold start). `process.env.DB_ENGINE`
 * is a constant in each bundle (src/lib/selected-engine.ts), so the other engine's adapter is left out.
 * A query of the resource's own is a class beside this file that implements UsersRepository.
 */
function stageAdapter(): (connection: StorageConnection) => UsersRepository {
  if (process.env.DB_ENGINE === 'documentdb') {
    const { DocumentCollection } = require('../../lib/documentdb/collection') as typeof import('../../lib/documentdb/collection');
    return (connection) => new DocumentCollection<UserInput>(connection as DocumentStore, usersStorage);
  } else {
    const { PostgresTable } = require('../../lib/db/table') as typeof import('../../lib/db/table');
    return (connection) => new PostgresTable<UserInput>(connection as Database, usersStorage);
  }
}

/** The users on the container's connection to the stage's database. */
export const usersRepository = stageAdapter();
