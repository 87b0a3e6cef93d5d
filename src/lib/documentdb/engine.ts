import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseUnavailableError } from '../errors';
import type { StorageEngine } from '../storage/engine';
import { loadDocumentDbConfig } from './config';
import { applyIndexSteps } from './indexes';
import { DocumentStore } from './store';
import { DocumentDbUsersRepository } from './users';

/** Amazon DocumentDB (any MongoDB-compatible server) through the official mongodb driver. */
export const documentDbEngine: StorageEngine = {
  name: 'documentdb',
  secretDefaults: { port: 27017 },
  connect(secrets) {
    const store = new DocumentStore(secrets, loadDocumentDbConfig(process.env));
    return {
      users: new DocumentDbUsersRepository(store),
      ping: () => store.ping(),
      // The steps wait as long as the deploy allows for a cluster that is starting.
      migrate: async ({ waitMs, log }) => {
        const started = Date.now();
        for (let attempt = 1; ; attempt += 1) {
          try {
            return await store.run((db) => applyIndexSteps(db, log));
          } catch (error) {
            if (!(error instanceof DatabaseUnavailableError) || Date.now() - started + 2000 > waitMs) throw error;
            log(`waiting for DocumentDB: attempt ${attempt}, next in 2000 ms`);
            await sleep(2000);
          }
        }
      },
    };
  },
};
