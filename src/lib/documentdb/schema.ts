import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseUnavailableError } from '../errors';
import type { SchemaEngine } from '../storage/engine';
import { loadDocumentDbConfig } from './config';
import { applyIndexSteps } from './indexes';
import { DocumentStore } from './store';

/** The resources' versioned index steps, through a client of its own that waits as long as the deploy allows for a cluster that is starting. */
export const documentDbSchema: SchemaEngine = {
  migrate: async (secrets, { waitMs, log, indexSteps }) => {
    const store = new DocumentStore(secrets, loadDocumentDbConfig(process.env));
    const started = Date.now();
    try {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await store.run((db) => applyIndexSteps(db, indexSteps, log));
        } catch (error) {
          if (!(error instanceof DatabaseUnavailableError) || Date.now() - started + 2000 > waitMs) throw error;
          log(`waiting for DocumentDB: attempt ${attempt}, next in 2000 ms`);
          await sleep(2000);
        }
      }
    } finally {
      await store.close();
    }
  },
};
