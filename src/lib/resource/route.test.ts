import { fresh } from '../../../test/support/fresh';
import type * as Route from './route';

/** A resource's route needs the auth settings the tests' environment gives; loaded afresh, as a cold start does. */
const load = () => fresh(() => require('./route') as typeof Route); // eslint-disable-line @typescript-eslint/no-require-imports

const declared = (idempotent: boolean) =>
  ({
    method: 'POST',
    path: '/api/orders',
    access: 'write',
    idempotent,
    summary: 's',
    description: 'd',
    request: {},
    response: { status: 201, description: 'Created' },
    functionName: 'ordersCreate',
    handler: 'src/api/orders/handlers/create.handler',
    scope: 'orders.write',
  }) as const;

describe('resourceRoute', () => {
  const execute = async () => ({ statusCode: 200 });

  it('refuses a handler that takes no Idempotency-Key on a route declared idempotent, and the reverse', () => {
    const { resourceRoute } = load();
    expect(() =>
      resourceRoute(
        declared(true),
        () => ({}),
        async () => ({ statusCode: 201 }),
      ),
    ).toThrow('ordersCreate is declared idempotent: its handler must pass idempotentRequests()');
    expect(() =>
      resourceRoute(
        declared(false),
        () => ({}),
        async () => ({ statusCode: 201 }),
        execute,
      ),
    ).toThrow('ordersCreate is declared not idempotent: its handler must not pass idempotentRequests()');
  });

  it('builds a handler when the declaration and the handler agree', () => {
    const { resourceRoute } = load();
    expect(
      typeof resourceRoute(
        declared(true),
        () => ({}),
        async () => ({ statusCode: 201 }),
        execute,
      ),
    ).toBe('function');
    expect(
      typeof resourceRoute(
        declared(false),
        () => ({}),
        async () => ({ statusCode: 201 }),
      ),
    ).toBe('function');
  });
});
