import { routeTable } from './route-table';

describe('the route table read from a contract', () => {
  // Built inside each test, so that a mutation run sees each test reach the table's construction.
  const routes = () =>
    routeTable({
      paths: {
        '/api/test-contacts': { get: {}, post: {}, parameters: [] },
        '/api/test-contacts/{id}': { put: {}, get: {}, delete: {}, summary: 'one user' },
        '/api/docs/{file}.js': { get: {} },
      },
    });

  it("gives the methods of the path a request's path matches, upper case and sorted, and nothing but methods", () => {
    expect(routes().methodsOf('/api/test-contacts')).toEqual(['GET', 'POST']);
    expect(routes().methodsOf('/api/test-contacts/0b4e7a52')).toEqual(['DELETE', 'GET', 'PUT']);
    expect(routes().methodsOf('/api/docs/page.js')).toEqual(['GET']);
  });

  it('matches a parameter to one non-empty segment, and the rest of a template literally', () => {
    for (const path of [
      '/api/test-contacts/',
      '/api/test-contacts/a/b',
      '/api',
      '/api/docs/pageXjs',
      '/api/test-contactss',
      '/x/api/test-contacts',
    ])
      expect(routes().methodsOf(path)).toBeUndefined();
  });

  it('has no routes without paths', () => {
    expect(routeTable({}).methodsOf('/api/test-contacts')).toBeUndefined();
  });
});
