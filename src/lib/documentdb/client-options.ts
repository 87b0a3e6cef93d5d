import type { MongoClientOptions } from 'mongodb';
import { clusterCaFile } from '../storage/cluster-ca';
import type { DbSecret } from '../storage/secret';
import type { DocumentDbConfig } from './config';

/**
 * How to reach DocumentDB: the address alone in the URI, the credentials as auth options (never
 * spliced into the URI, so any character in a password works), TLS verified against Amazon's CA
 * certificates (the driver reads the file when it connects; see storage/cluster-ca.ts), and the
 * options DocumentDB requires.
 */
export function clientSettings(
  secret: DbSecret,
  config: DocumentDbConfig,
  /** The service's name, which the server shows beside each connection. */
  appName: string,
): { uri: string; options: MongoClientOptions } {
  const host = secret.host.includes(':') && !secret.host.startsWith('[') ? `[${secret.host}]` : secret.host;
  return {
    uri: `mongodb://${host}:${secret.port}/`,
    options: {
      auth: { username: secret.username, password: secret.password },
      authSource: 'admin',
      appName,
      ...(config.replicaSet ? { replicaSet: config.replicaSet } : { directConnection: true }),
      // Reads that tolerate a replica's lag say so per call; the default is the primary.
      readPreference: 'primary',
      // DocumentDB does not support retryable writes; the repository repeats only idempotent ones itself.
      retryWrites: false,
      maxPoolSize: config.poolMax,
      minPoolSize: 0,
      // After dropped connections or a failover the driver finds the server again only at its next check: every half
      // second (the least it allows), not every ten, so that a request finds it within its selection timeout.
      heartbeatFrequencyMS: 500,
      serverSelectionTimeoutMS: config.serverSelectionTimeoutMs,
      connectTimeoutMS: config.connectTimeoutMs,
      socketTimeoutMS: config.socketTimeoutMs,
      ...(config.tls === 'verify'
        ? { tls: true, tlsCAFile: config.caFile ?? clusterCaFile(), tlsAllowInvalidCertificates: false, tlsAllowInvalidHostnames: false }
        : { tls: false }),
    },
  };
}
