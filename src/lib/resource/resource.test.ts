import * as z from 'zod/mini';
import { defineResource, resourceNamePattern, type RouteDeclaration } from './resource';

const item = z.object({ id: z.uuid(), name: z.string() });
const input = z.object({ name: z.string() });
const route = (overrides: Partial<RouteDeclaration> = {}): RouteDeclaration => ({
  method: 'GET',
  path: '/api/line-items/{id}',
  access: 'read',
  summary: 'Read a line item',
  description: 'The line item with this id.',
  request: {},
  response: { status: 200, description: 'The line item', schema: item },
  ...overrides,
});
const declaration = (name: string, routes: Record<string, RouteDeclaration> = { get: route() }) => ({
  name,
  singular: 'line item',
  description: 'Line items',
  scopes: { read: 'Read line items', write: 'Change line items' },
  schemas: { item, input },
  examples: { item: { id: '01890000-0000-7000-8000-000000000000', name: 'x' }, input: { name: 'x' } },
  indexSteps: [],
  routes,
});

describe('defineResource', () => {
  it('names its path, scopes, functions and handlers after the resource', () => {
    const resource = defineResource(
      declaration('line-items', { get: route(), create: route({ method: 'POST', path: '/api/line-items', access: 'write' }) }),
    );
    expect(resource.path).toBe('/api/line-items');
    expect(resource.location('abc')).toBe('/api/line-items/abc');
    expect(resource.scopeNames).toEqual({ 'line-items.read': 'Read line items', 'line-items.write': 'Change line items' });
    expect(resource.routes.get).toMatchObject({
      functionName: 'lineItemsGet',
      handler: 'src/api/line-items/handlers/get.handler',
      scope: 'line-items.read',
    });
    expect(resource.routes.create).toMatchObject({ functionName: 'lineItemsCreate', scope: 'line-items.write' });
    expect(Object.isFrozen(resource) && Object.isFrozen(resource.routes) && Object.isFrozen(resource.routes.get)).toBe(true);
  });

  it.each([['Orders'], ['order'], ['line_items'], ['-orders'], ['orders-'], ['line--items'], ['1orders']])(
    'refuses the name %s',
    (name) => {
      expect(resourceNamePattern.test(name)).toBe(false);
      expect(() => defineResource(declaration(name))).toThrow(
        `Resource "${name}": its name must be kebab-case and plural (orders, line-items)`,
      );
    },
  );

  it.each([['orders'], ['line-items'], ['v2-orders']])('takes the name %s', (name) => {
    expect(resourceNamePattern.test(name)).toBe(true);
  });

  it('refuses examples that their schemas do not accept, naming the field: a field added to the model and not to them', () => {
    const withField = z.object({ name: z.string(), total: z.int() });
    expect(() => defineResource({ ...declaration('line-items'), schemas: { item, input: withField } })).toThrow(
      'Resource "line-items": examples.input does not match its schema: total Invalid input',
    );
    const examples = { item: { id: 'not-a-uuid', name: 'x' }, input: { name: 'x' } };
    expect(() => defineResource({ ...declaration('line-items'), examples })).toThrow(
      /^Resource "line-items": examples.item does not match its schema: id /,
    );
  });

  it('refuses a route whose name is not camelCase, or whose path is outside the resource', () => {
    expect(() => defineResource(declaration('line-items', { 'get-one': route() }))).toThrow(
      'Resource "line-items": route get-one: its name must be camelCase',
    );
    expect(() => defineResource(declaration('line-items', { get: route({ path: '/api/line-itemsx' }) }))).toThrow(
      'Resource "line-items": route get: its path must be /api/line-items or below it',
    );
    expect(() => defineResource(declaration('line-items', { get: route({ path: '/api/orders/{id}' }) }))).toThrow(/its path must be/);
    expect(defineResource(declaration('line-items', { list: route({ path: '/api/line-items' }) })).routes.list!.path).toBe(
      '/api/line-items',
    );
  });
});
