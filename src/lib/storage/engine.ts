import type { EngineName } from './config';
import type { DbSecret, SecretSource } from './secret';

/**
 * A container's connection to its database, whatever the engine: the engine's own client (a
 * `Database` on PostgreSQL, a `DocumentStore` on DocumentDB), which each resource's adapter for
 * that engine takes. The platform itself only pings and closes it.
 */
export interface StorageConnection {
  /** One round trip to the database; its duration in milliseconds. */
  ping(): Promise<number>;
  /** Ends what keeps the process alive (the DocumentDB driver's monitoring timers): for tools and tests. */
  close?(): Promise<void>;
}

/**
 * A storage engine: one module per engine implements this, and each resource's adapter for it
 * passes that resource's contract tests. Connections are created once per container.
 */
export interface StorageEngine<C extends StorageConnection = StorageConnection> {
  readonly name: EngineName;
  /** What a secret that names only credentials lacks: the engine's port. */
  readonly secretDefaults: Partial<DbSecret>;
  connect(secrets: SecretSource): C;
}

/** The functions' own login, which the schema step makes on an engine that has logins of its own (PostgreSQL). */
export interface ApplicationLogin {
  username: string;
  password: string;
}

/** One of a resource's DocumentDB schema steps, applied once and recorded by name. */
export interface IndexStep<Db = unknown> {
  name: string;
  apply(db: Db): Promise<unknown>;
}

/**
 * An engine's schema steps, apart from its connection so that only the migrate function loads
 * the migration tool: a route's bundle has no code it never runs.
 */
export interface SchemaEngine {
  /**
   * Applies the engine's versioned schema steps (PostgreSQL: the files in migrations/; DocumentDB:
   * the resources' `indexSteps`), and makes the functions' login when the engine has one of its
   * own; returns the steps applied.
   */
  migrate(
    secrets: SecretSource,
    options: {
      waitMs: number;
      log: (message: string) => void;
      applicationLogin?: ApplicationLogin;
      indexSteps: readonly IndexStep[];
      /** Folders of migrations beyond migrations/ (the test suite's own resource's). */
      migrationDirs?: readonly string[];
    },
  ): Promise<string[]>;
}
