import type { StorageEngine } from '../storage/engine';
import { loadDocumentDbConfig } from './config';
import { DocumentStore } from './store';

/** Amazon DocumentDB (any MongoDB-compatible server) through the official mongodb driver: the connection is a `DocumentStore`. */
export const documentDbEngine: StorageEngine<DocumentStore> = {
  name: 'documentdb',
  secretDefaults: { port: 27017 },
  connect: (secrets) => new DocumentStore(secrets, loadDocumentDbConfig(process.env)),
};
