import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { failureDetails } from '../failure';
import { logger } from '../logger';

export interface EventFunctionOptions<E, R, C extends Context> {
  /**
   * The level of the one line a failure writes. `warn` for functions whose failures must not be
   * matched by the error subscription (the alerts function: an alarm watches it instead).
   */
  failureLevel?: 'error' | 'warn';
  middlewares?: middy.MiddlewareObj<E, R, Error, C>[];
}

const defaults = Object.freeze({ failureLevel: 'error' as const });

/**
 * The one stack of every function that is not an API route (the alerts consumer, deploy hooks,
 * `migrate`): middy, the logger with the Lambda context, and a failure logged once, then
 * rethrown so that Lambda counts it.
 */
export function eventFunction<E, R, C extends Context = Context>(
  handler: (event: E, context: C) => Promise<R>,
  options: EventFunctionOptions<E, R, C> = {},
) {
  const { failureLevel, middlewares = [] } = { ...defaults, ...options };
  if (failureLevel !== 'error' && failureLevel !== 'warn') throw new TypeError('eventFunction: failureLevel must be error or warn');
  const fn = middy<E, R, Error, C>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      onError: ({ error, context }) => {
        logger[failureLevel]('invocation failed', failureDetails(error, context));
      },
    });
  for (const middleware of middlewares) fn.use(middleware);
  return fn.handler(handler);
}
