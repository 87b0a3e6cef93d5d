import { MongoClient, type Db } from 'mongodb';
import { config as serviceConfig } from '../config';
import { DatabaseUnavailableError } from '../errors';
import { logger } from '../logger';
import { count, metricNames, milliseconds } from '../metrics';
import { traced } from '../tracing';
import type { DbSecret, SecretSource } from '../storage/secret';
import { clientSettings } from './client-options';
import type { DocumentDbConfig } from './config';
import { documentFailureKind } from './errors';

/** Secret refreshes after the server rejects the credentials (a rotation may still be finishing). */
const credentialRefreshes = 3;

export interface RunOptions {
  /** The operation may run twice with the same outcome: only then is it repeated after a network failure in flight. */
  idempotent?: boolean;
}

/**
 * The container's DocumentDB client: created on first use with the current secret and reused by
 * every invocation. When the server rejects the credentials, the secret is fetched again and the
 * client rebuilt with it, and the operation repeated; a server that cannot be reached is a 503.
 */
export class DocumentStore {
  private client?: { secret: DbSecret; client: MongoClient };

  constructor(
    private readonly secrets: SecretSource,
    private readonly config: DocumentDbConfig,
  ) {}

  private database(): Db {
    const secret = this.secrets.current();
    if (this.client?.secret !== secret) {
      const previous = this.client?.client;
      const { uri, options } = clientSettings(secret, this.config, serviceConfig.serviceName);
      this.client = { secret, client: new MongoClient(uri, options) };
      // In the background: operations still running on the old client finish first.
      if (previous) void previous.close().catch(() => undefined);
      logger.info(previous ? 'DocumentDB client replaced for new credentials' : 'DocumentDB client created');
    }
    return this.client.client.db(secret.dbname);
  }

  /** Runs `operation`, within the budget; `repeated` says whether it was sent again after a failure in flight. */
  async run<T>(operation: (db: Db, repeated: boolean) => Promise<T>, { idempotent = false }: RunOptions = {}): Promise<T> {
    const deadline = Date.now() + this.config.budgetMs;
    let refreshes = 0;
    let repeated = false;
    for (;;) {
      try {
        const sent = performance.now();
        const result = await traced('DocumentDB', () => operation(this.database(), repeated));
        milliseconds(metricNames.databaseRoundTrip, performance.now() - sent);
        return result;
      } catch (error) {
        const kind = documentFailureKind(error);
        if (kind === 'credentials' && refreshes < credentialRefreshes && Date.now() < deadline) {
          refreshes += 1;
          count(metricNames.retry.credentials);
          logger.warn('DocumentDB rejected the credentials; refreshing the secret', { attempt: refreshes });
          await this.secrets.refresh();
          continue;
        }
        if (kind === 'unavailable' && idempotent && !repeated && Date.now() + this.config.connectTimeoutMs < deadline) {
          // The driver has already tried to select a server; one repeat covers a failover in flight.
          repeated = true;
          count(metricNames.retry.inFlight);
          continue;
        }
        if (kind === 'credentials' || kind === 'unavailable') {
          logger.warn('DocumentDB unavailable', { kind, errorName: (error as Error).name });
          throw new DatabaseUnavailableError('DocumentDB cannot be reached', 1, { cause: error });
        }
        throw error;
      }
    }
  }

  async ping(): Promise<number> {
    const started = performance.now();
    await this.run((db) => db.command({ ping: 1 }), { idempotent: true });
    return Math.round(performance.now() - started);
  }

  /** For tests and tools: closes the client. */
  async close(): Promise<void> {
    await this.client?.client.close();
    this.client = undefined;
  }
}
