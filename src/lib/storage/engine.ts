import type { ApplicationLogin } from '../db/application-role';
import type { UsersRepository } from '../users/model';
import type { EngineName } from './config';
import type { DbSecret, SecretSource } from './secret';

/** A container's connection to its database, whatever the engine: what the routes use. */
export interface StorageConnection {
  readonly users: UsersRepository;
  /** One round trip to the database; its duration in milliseconds. */
  ping(): Promise<number>;
  /** Ends what keeps the process alive (the DocumentDB driver's monitoring timers): for tools and tests. */
  close?(): Promise<void>;
}

/**
 * A storage engine: one module per engine implements this and passes the repository contract
 * suite (test/integration/users-contract.test.ts). Connections are created once per container.
 */
export interface StorageEngine {
  readonly name: EngineName;
  /** What a secret that names only credentials lacks: the engine's port. */
  readonly secretDefaults: Partial<DbSecret>;
  connect(secrets: SecretSource): StorageConnection;
}

/**
 * An engine's schema steps, apart from its connection so that only the migrate function loads
 * the migration tool: a route's bundle has no code it never runs.
 */
export interface SchemaEngine {
  /**
   * Applies the engine's versioned schema steps (tables, or indexes), and makes the functions'
   * login when the engine has one of its own; returns the steps applied.
   */
  migrate(
    secrets: SecretSource,
    options: { waitMs: number; log: (message: string) => void; applicationLogin?: ApplicationLogin },
  ): Promise<string[]>;
}
