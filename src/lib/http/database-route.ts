import { selectedEngine } from '../selected-engine';
import { databaseAccess, storageFrom, type DatabaseContext } from '../storage/access';
import type { StorageConnection } from '../storage/engine';
import type { InputSchemas } from './input';
import { httpRoute, type RouteExtension, type RouteHandler } from './route';

/** What a route that talks to the database may use besides its input. */
export interface Services {
  /** The container's connection to the stage's database, whatever the engine. */
  readonly db: StorageConnection;
}

/** Database access for a route: the secret is fetched by middleware, and the readiness probe makes a round trip. */
export function databaseExtension(): RouteExtension<DatabaseContext, Services> {
  return {
    middlewares: [databaseAccess(selectedEngine())],
    services: (context) => ({ db: storageFrom(context) }),
    ready: (context) => storageFrom(context).ping(),
  };
}

/**
 * A route on the shared stack plus database access: a pooled connection is available through
 * `services`. Kept apart from `httpRoute` so routes without a database bundle neither the driver
 * nor the SDK.
 */
export function databaseRoute<O extends InputSchemas>(options: O, handler: RouteHandler<O, Services>) {
  return httpRoute(options, handler, databaseExtension());
}
