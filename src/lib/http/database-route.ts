import { databaseAccess, storageFrom, type DatabaseContext } from '../storage/access';
import type { UsersRepository } from '../users/model';
import type { InputSchemas } from './input';
import { httpRoute, type RouteExtension, type RouteHandler } from './route';

/** What a route that talks to the database may use besides its input. */
export interface Services {
  /** The database's health: one round trip, whatever the engine. */
  readonly db: { ping(): Promise<number> };
  readonly users: UsersRepository;
}

function servicesFor(context: DatabaseContext): Services {
  const storage = storageFrom(context);
  return { db: storage, users: storage.users };
}

/** Database access for a route: the secret is fetched by middleware, and the readiness probe makes a round trip. */
export function databaseExtension(): RouteExtension<DatabaseContext, Services> {
  return { middlewares: [databaseAccess()], services: servicesFor, ready: (context) => storageFrom(context).ping() };
}

/**
 * A route on the shared stack plus database access: a pooled connection is available through
 * `services`. Kept apart from `httpRoute` so routes without a database bundle neither the driver
 * nor the SDK.
 */
export function databaseRoute<O extends InputSchemas>(options: O, handler: RouteHandler<O, Services>) {
  return httpRoute(options, handler, databaseExtension());
}
