import * as z from 'zod/mini';
import { parseEnvironment, wholeNumber } from '../environment';

/** The DocumentDB engine's settings; a PostgreSQL stage's functions carry none of them. */
const documentDbEnvironmentSchema = z.object({
  DOCDB_POOL_MAX: z._default(wholeNumber({ max: 20 }), 2),
  // Within the same 3-second request budget as PostgreSQL: find a server, connect, and wait on a socket.
  DOCDB_SERVER_SELECTION_TIMEOUT_MS: z._default(wholeNumber(), 1500),
  DOCDB_CONNECT_TIMEOUT_MS: z._default(wholeNumber(), 1500),
  DOCDB_SOCKET_TIMEOUT_MS: z._default(wholeNumber(), 2500),
  DOCDB_BUDGET_MS: z._default(wholeNumber(), 2800),
  DOCDB_TLS: z._default(z.enum(['off', 'verify']), 'verify'),
  // DocumentDB clusters are one replica set, rs0; '' for a standalone server (a local MongoDB).
  DOCDB_REPLICA_SET: z._default(z.string(), 'rs0'),
  // The CA certificates the server's is verified with: the Lambda runtime's copy of Amazon's by default (cluster-ca.ts).
  DB_CA_FILE: z._default(z.string(), ''),
});

export type DocumentDbConfig = ReturnType<typeof loadDocumentDbConfig>;

export function loadDocumentDbConfig(env: NodeJS.ProcessEnv) {
  const e = parseEnvironment(documentDbEnvironmentSchema, env, 'DocumentDB configuration');
  return Object.freeze({
    poolMax: e.DOCDB_POOL_MAX,
    serverSelectionTimeoutMs: e.DOCDB_SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMs: e.DOCDB_CONNECT_TIMEOUT_MS,
    socketTimeoutMs: e.DOCDB_SOCKET_TIMEOUT_MS,
    budgetMs: e.DOCDB_BUDGET_MS,
    tls: e.DOCDB_TLS,
    replicaSet: e.DOCDB_REPLICA_SET || undefined,
    caFile: e.DB_CA_FILE || undefined,
  });
}
