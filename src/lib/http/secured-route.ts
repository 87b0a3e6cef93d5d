import { authenticate, type AuthContext, type Caller, type Scope } from '../auth/authenticate';
import type { DatabaseContext } from '../storage/access';
import { databaseExtension, type Services } from './database-route';
import { idempotencyKey, idempotentRunner } from './idempotency';
import type { InputSchemas } from './input';
import { httpRoute, type Middleware, type RouteHandler } from './route';

export interface SecuredRouteOptions extends InputSchemas {
  /** The scope the caller's access token must hold. */
  scope: Scope;
  /** Accepts an `Idempotency-Key` header: a retry with the same key and request gets the first response. */
  idempotent?: boolean;
}

type SecuredContext = DatabaseContext & AuthContext;

/**
 * A database route that only a caller with `scope` may use (401/403 otherwise, before the body is
 * read); the handler gets the verified caller. With `idempotent`, a request carrying an
 * `Idempotency-Key` runs at most once per caller, route and key; without the header it runs as usual.
 */
export function securedRoute<O extends SecuredRouteOptions>(options: O, handler: RouteHandler<O, Services, { caller: Caller }>) {
  const runIdempotently = options.idempotent ? idempotentRunner() : undefined;
  return httpRoute<O, SecuredContext, Services, { caller: Caller }>(options, handler, {
    ...databaseExtension(),
    guards: [authenticate<SecuredContext>({ scope: options.scope }) as Middleware<SecuredContext>],
    input: (context) => ({ caller: context.caller! }),
    execute:
      runIdempotently &&
      (async (run, { event, context, input }) => {
        const key = idempotencyKey(event.headers);
        if (!key) return run();
        const { caller } = input;
        return runIdempotently(
          {
            key: { subject: caller.subject, clientId: caller.clientId, route: event.routeKey, key },
            request: { path: input.path ?? null, query: input.query ?? null, body: input.body ?? null },
          },
          context,
          run,
        );
      }),
  });
}
