import { databaseAccess, databaseFrom, type DatabaseContext } from '../db/access';
import type { Database } from '../db/database';
import type { UsersRepository } from '../users/model';
import { PostgresUsersRepository } from '../users/postgres';
import type { InputSchemas } from './input';
import { httpRoute, type RouteHandler } from './route';

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

/**
 * A route on the shared stack plus database access: the secret is fetched by middleware and a
 * pooled connection is available through `services`. Kept apart from `httpRoute` so routes
 * without a database bundle neither the driver nor the SDK.
 */
export function databaseRoute<O extends InputSchemas>(options: O, handler: RouteHandler<O, Services>) {
  return httpRoute(options, handler, {
    middlewares: [databaseAccess()],
    services: servicesFor,
    ready: (context) => databaseFrom(context).ping(),
  });
}
