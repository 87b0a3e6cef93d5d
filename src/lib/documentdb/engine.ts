import type { StorageEngine } from '../storage/engine';
import { loadDocumentDbConfig } from './config';
import { DocumentStore } from './store';
import { DocumentDbUsersRepository } from './users';

/** Amazon DocumentDB (any MongoDB-compatible server) through the official mongodb driver. */
export const documentDbEngine: StorageEngine = {
  name: 'documentdb',
  secretDefaults: { port: 27017 },
  connect(secrets) {
    const store = new DocumentStore(secrets, loadDocumentDbConfig(process.env));
    return { users: new DocumentDbUsersRepository(store), ping: () => store.ping(), close: () => store.close() };
  },
};
