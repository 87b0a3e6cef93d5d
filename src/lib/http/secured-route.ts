import { authenticate, type AuthContext, type Caller } from '../auth/authenticate';
import type { DatabaseContext } from '../storage/access';
import { databaseExtension, type Services } from './database-route';
import type { IdempotentExecution } from './idempotency';
import type { InputSchemas } from './input';
import { httpRoute, type Middleware, type RouteHandler } from './route';

export interface SecuredRouteOptions extends InputSchemas {
  /** The scope the caller's access token must hold (`<resource>.read`, `<resource>.write`). */
  scope: string;
  /**
   * Accepts an `Idempotency-Key` header (`idempotentRequests()`): a retry with the same key and
   * request gets the first response. Only the routes that take it load it.
   */
  idempotency?: IdempotentExecution;
}

type SecuredContext = DatabaseContext & AuthContext;

/**
 * A database route that only a caller with `scope` may use (401/403 otherwise, before the body is
 * read); the handler gets the verified caller.
 */
export function securedRoute<O extends SecuredRouteOptions>(options: O, handler: RouteHandler<O, Services, { caller: Caller }>) {
  return httpRoute<O, SecuredContext, Services, { caller: Caller }>(options, handler, {
    ...databaseExtension(),
    guards: [authenticate<SecuredContext>({ scope: options.scope }) as Middleware<SecuredContext>],
    input: (context) => ({ caller: context.caller! }),
    execute: options.idempotency,
  });
}
