/**
 * The API's routes as its contract lists them: each path template and the methods it has. The catch-all
 * route reads it to tell a known path asked with another method (405 and `Allow`) from an unknown path (404).
 */
export interface RouteTable {
  /** The methods of the path that `path` matches, upper case; undefined when it matches none. */
  methodsOf(path: string): string[] | undefined;
}

const operationMethods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** A path template (`/api/orders/{id}`) as a pattern: a parameter is one non-empty segment. */
const templatePattern = (template: string) =>
  new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`);

export function routeTable(contract: { paths?: unknown }): RouteTable {
  const routes = Object.entries((contract.paths ?? {}) as Record<string, Record<string, unknown>>).map(([template, item]) => ({
    pattern: templatePattern(template),
    methods: Object.keys(item)
      .filter((key) => operationMethods.has(key))
      .map((method) => method.toUpperCase())
      .sort(),
  }));
  return {
    methodsOf: (path) => routes.find(({ pattern }) => pattern.test(path))?.methods,
  };
}
