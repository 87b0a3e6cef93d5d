import type { Caller } from '../auth/authenticate';
import type { IdempotentExecution } from '../http/idempotency';
import type { RouteHandler } from '../http/route';
import { securedRoute, type SecuredRouteOptions } from '../http/secured-route';
import type { StorageConnection } from '../storage/engine';
import type { ResourceRoute } from './resource';

/**
 * A resource's route, as its folder declares it: the caller's token must hold the route's scope,
 * the input is validated against its request shapes, and the handler gets the resource's
 * repository on the stage's engine. An idempotent route takes `idempotentRequests()` (only such
 * routes load the idempotency store); a route declared otherwise is refused at cold start.
 */
export function resourceRoute<D extends ResourceRoute, R>(
  route: D,
  repositoryOf: (connection: StorageConnection) => R,
  handler: RouteHandler<D['request'], { repository: R }, { caller: Caller }>,
  idempotency?: IdempotentExecution,
) {
  if (Boolean(route.idempotent) !== Boolean(idempotency)) {
    throw new Error(
      `${route.functionName} is declared ${route.idempotent ? '' : 'not '}idempotent: its handler must ${route.idempotent ? '' : 'not '}pass idempotentRequests()`,
    );
  }
  let repository: R | undefined;
  const options = { ...route.request, scope: route.scope, idempotency } as D['request'] & SecuredRouteOptions;
  return securedRoute(options, (input, { db }) =>
    // One repository per container, on its one connection.
    handler(input, { repository: (repository ??= repositoryOf(db)) }),
  );
}
