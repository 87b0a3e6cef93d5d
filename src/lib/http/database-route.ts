import { databaseAccess, databaseFrom, type DatabaseContext } from '../db/access';
import type { Database } from '../db/database';
import type { UsersRepository } from '../users/model';
import { PostgresUsersRepository } from '../users/postgres';
import type { InputSchemas } from './input';
import { httpRoute, type RouteExtension, type RouteHandler } from './route';

/** What a route that talks to the database may use besides its input. */
export interface Services {
  readonly db: Database;
  readonly users: UsersRepository;
}

function servicesFor(context: DatabaseContext): Services {
  return {
    get db() {
      return databaseFrom(context);
    },
    get users() {
      return new PostgresUsersRepository(databaseFrom(context));
    },
  };
}

/** Database access for a route: the secret is fetched by middleware, and the readiness probe makes a round trip. */
export function databaseExtension(): RouteExtension<DatabaseContext, Services> {
  return { middlewares: [databaseAccess()], services: servicesFor, ready: (context) => databaseFrom(context).ping() };
}

/**
 * A route on the shared stack plus database access: a pooled connection is available through
 * `services`. Kept apart from `httpRoute` so routes without a database bundle neither the driver
 * nor the SDK.
 */
export function databaseRoute<O extends InputSchemas>(options: O, handler: RouteHandler<O, Services>) {
  return httpRoute(options, handler, databaseExtension());
}
